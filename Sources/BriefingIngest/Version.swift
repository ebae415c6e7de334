/// The version printed by `briefingd --version` and sent in the default User-Agent.
public enum BriefingdVersion {
    public static let current = "0.1.0"
}
