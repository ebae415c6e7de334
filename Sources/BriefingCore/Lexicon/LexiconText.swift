// Lexicons the extractor reads: outlet suffixes, official titles, generic labels, surnames,
// measure words and units, qualifiers, fixed words that are not numbers. Each is a Swift file
// holding one multi-line string literal, one entry per line (a word, then optional tags), so that
// extending a lexicon is adding a line and the core still reads no files at run time. (This note
// replaces a README.md here, which SwiftPM warned about as an unhandled file of the target.)

/// The raw lexicons, parsed once into `ScalarLexicon`s by the extractor (`Lexicons`).
enum LexiconText {}
