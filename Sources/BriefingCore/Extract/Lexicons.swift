// The lexicons of `Lexicon/`, parsed once. Immutable and Sendable, so shared by every extraction.

enum Lexicons {
    static let outletSuffixes = ScalarLexicon(LexiconText.outletSuffixes)
    static let officialTitles = ScalarLexicon(LexiconText.officialTitles)
    static let genericLabels = ScalarLexicon(LexiconText.genericLabels)
    static let nonLabels = ScalarLexicon(LexiconText.nonLabels)
    static let speechVerbs = ScalarLexicon(LexiconText.speechVerbs)
    static let surnames = ScalarLexicon(LexiconText.surnames)
    static let measureWords = ScalarLexicon(LexiconText.measureWords)
    static let qualifiers = ScalarLexicon(LexiconText.qualifiers)
    static let fixedWords = ScalarLexicon(LexiconText.fixedWords)
    static let subjectWords = ScalarLexicon(LexiconText.subjectWords)
}
