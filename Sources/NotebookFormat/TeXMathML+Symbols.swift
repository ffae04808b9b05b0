extension TeXMathML {
  /// The commands that stand for one character or name, by kind: the kind decides the
  /// MathML element (`<mi>` for what names a quantity, `<mo>` for what relates or combines).
  enum Symbols {
    static let greek: [String: String] = [
      "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ",
      "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι",
      "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ",
      "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ",
      "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    ]

    /// Capital Greek is upright in TeX, so these are drawn with `mathvariant="normal"`.
    static let upperGreek: [String: String] = [
      "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
      "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    static let identifiers: [String: String] = [
      "infty": "∞", "partial": "∂", "nabla": "∇", "ell": "ℓ", "hbar": "ℏ", "emptyset": "∅",
      "top": "⊤", "bot": "⊥", "prime": "′",
    ]

    static let operators: [String: String] = [
      "cdot": "⋅", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
      "circ": "∘", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "setminus": "∖",
      "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
      "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫",
      "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒",
      "Leftarrow": "⇐", "Leftrightarrow": "⇔", "leftrightarrow": "↔", "mapsto": "↦",
      "implies": "⟹", "iff": "⟺",
      "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩",
      "forall": "∀", "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "wedge": "∧",
      "vee": "∨", "perp": "⊥", "mid": "∣",
      "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
      "colon": ":",
      "$": "$", "%": "%", "#": "#", "&": "&", "_": "_",
    ]

    /// Delimiters: also what `\left` and `\right` accept after a backslash.
    static let fences: [String: String] = [
      "{": "{", "}": "}", "lbrace": "{", "rbrace": "}", "langle": "⟨", "rangle": "⟩",
      "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "|": "‖", "Vert": "‖",
      "vert": "|", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖",
    ]

    /// `\int` takes its limits beside it even in display, as in TeX; the others above and
    /// below.
    static let largeOperators: [String: String] = [
      "sum": "∑", "prod": "∏", "int": "∫", "bigcup": "⋃", "bigcap": "⋂",
    ]

    static let functions: Set<String> = [
      "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh",
      "tanh", "log", "ln", "lg", "exp", "det", "dim", "ker", "deg", "gcd", "arg", "Pr",
    ]

    /// Functions whose subscript goes below in display: `\lim_{n \to \infty}`.
    static let limitFunctions: Set<String> = [
      "lim", "max", "min", "sup", "inf", "argmax", "argmin",
    ]

    static let spaces: [String: String] = [
      ",": "0.1667em", ";": "0.2778em", ":": "0.2222em", ">": "0.2222em", " ": "0.3333em",
      "quad": "1em",
      "qquad": "2em", "!": "0em",
    ]

    static let accents: [String: String] = [
      "hat": "^", "widehat": "^", "bar": "¯", "overline": "‾", "tilde": "˜", "widetilde": "˜",
      "vec": "→", "dot": "˙", "ddot": "¨",
    ]

    /// Each matrix environment's fences; empty for none.
    static let environments: [String: (String, String)] = [
      "matrix": ("", ""), "pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("{", "}"),
      "vmatrix": ("|", "|"), "Vmatrix": ("‖", "‖"), "cases": ("{", ""),
    ]
  }
}
