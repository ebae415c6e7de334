extension LexiconText {
    /// Words that make a figure approximate, tagged with the contract's `approx` value and where
    /// they stand: `before` the number (`近820处`) or `after` it (`6100余个`, `15万人以上`).
    static let qualifiers = """
        近 nearly before
        将近 nearly before
        將近 nearly before
        接近 nearly before
        约 about before
        約 about before
        大约 about before
        大約 about before
        超过 over before
        超過 over before
        逾 over before
        突破 over before
        超 over before
        多达 over before
        多達 over before
        最高 under before
        不足 under before
        不到 under before
        不超过 under before
        不超過 under before
        余 over after
        餘 over after
        多 over after
        以上 over after
        以下 under after
        左右 about after
        上下 about after
        """
}
