import Testing

@testable import NotebookFormat

@Suite struct NotebookFormatTests {
  let text = """
    <!-- gradbook notebook format=1 seed=7 -->
    # XOR

    The perceptron cannot separate XOR.

    ```gradbook
    data = xor()
    ```
    ```output
    dataset xor · 4 samples · x [4, 2] · y [4, 1]
    ```
    ```gradbook {tolerance=1e-6 no-check}
    fn f(x) {
      x + 1
    }
    ```

    ```gradbook
    1 +* 2
    ```
    ```output
    error: expected an expression but found '*'
      1 +* 2
         ^

    ```
    Closing words.

    """

  @Test func readsHeaderProseCellsOutputsAndOptions() throws {
    let notebook = try NotebookReader.read(text)
    #expect(notebook.seed == 7)
    #expect(notebook.cells.count == 3)
    #expect(
      notebook.cells[0]
        == Cell(source: "data = xor()", output: "dataset xor · 4 samples · x [4, 2] · y [4, 1]\n"))
    #expect(notebook.cells[1].source == "fn f(x) {\n  x + 1\n}")
    #expect(notebook.cells[1].output == nil)
    #expect(notebook.cells[1].tolerance == 1e-6)
    #expect(!notebook.cells[1].isChecked)
    #expect(
      notebook.cells[2].output
        == "error: expected an expression but found '*'\n  1 +* 2\n     ^\n\n")
    guard case .prose(let first) = notebook.blocks[0] else {
      Issue.record("prose first")
      return
    }
    #expect(first == "# XOR\n\nThe perceptron cannot separate XOR.\n\n")
  }

  @Test func writingWhatWasReadGivesTheSameBytes() throws {
    #expect(NotebookWriter.write(try NotebookReader.read(text)) == text)
  }

  @Test func outputHoldingBackquotesGetsALongerFence() throws {
    let notebook = Notebook(
      seed: 42, blocks: [.cell(Cell(source: "print(\"```\")", output: "```\n"))])
    let written = NotebookWriter.write(notebook)
    #expect(written.contains("````gradbook\nprint(\"```\")\n````\n````output\n```\n````\n"))
    #expect(try NotebookReader.read(written) == notebook)
  }

  @Test func malformedFilesNameTheirLine() {
    #expect(
      throws: NotebookError(
        line: 1, "a notebook starts with <!-- gradbook notebook format=1 seed=N -->")
    ) {
      try NotebookReader.read("# no header\n")
    }
    #expect(throws: NotebookError(line: 3, "this block is never closed with ```")) {
      try NotebookReader.read(
        "<!-- gradbook notebook format=1 seed=1 -->\ntext\n```gradbook\nx = 1\n")
    }
    #expect(
      throws: NotebookError(line: 2, "an output block must follow its gradbook cell directly")
    ) {
      try NotebookReader.read("<!-- gradbook notebook format=1 seed=1 -->\n```output\n1\n```\n")
    }
    // Another format version is refused rather than misread.
    #expect(throws: NotebookError.self) {
      try NotebookReader.read("<!-- gradbook notebook format=2 seed=1 -->\n")
    }
  }

  @Test func otherFencesAreProse() throws {
    let text = "<!-- gradbook notebook format=1 seed=1 -->\n```python\nprint(1)\n```\n"
    let notebook = try NotebookReader.read(text)
    #expect(notebook.cells.isEmpty)
    #expect(NotebookWriter.write(notebook) == text)
  }
}
