// Namespace of the word lists the extractor reads. Each list lives in its own file as one
// multi-line string literal, one entry per line, so extending a list is adding a line.

/// The raw lexicons, parsed once into `ScalarLexicon`s by the extractor.
enum LexiconText {}
