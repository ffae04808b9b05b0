import LineEditing
import REPL

typealias REPLUnderTest = REPL
