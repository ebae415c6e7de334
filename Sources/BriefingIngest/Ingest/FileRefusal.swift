/// Why an inbox file is refused before its bytes reach the core: links are never followed and only
/// regular files are read. `code` is the stable short name written as `error` in `NAME.error.json`,
/// as ``InputError/code`` is for what the core refuses.
enum FileRefusal: Error, Equatable, CustomStringConvertible {
    case symlink
    case notRegularFile(type: String)
    case unreadable(FileSystemError)

    var code: String {
        switch self {
        case .symlink: "symlink"
        case .notRegularFile: "not_regular_file"
        case .unreadable: "unreadable"
        }
    }

    var description: String {
        switch self {
        case .symlink:
            "the input is a symbolic link, which is never followed; copy the file itself into the inbox"
        case .notRegularFile(let type): "the input is a \(type), not a regular file; drop files only"
        case .unreadable(let error): "\(error); check the file's permissions"
        }
    }
}
