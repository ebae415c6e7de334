extension LexiconText {
    /// Words that make a figure approximate, tagged with the contract's `approx` value and where
    /// they stand: `before` the number (`近820处`) or `after` it (`6100余个`, `15万人以上`).
    /// `不得低于` is `under` as the snapshot contract states it (`不得低于90天`), while `不低于` is
    /// `over`; `连续` only belongs to the text of a length of time (`连续3年`).
    static let qualifiers = """
        近 nearly before
        将近 nearly before
        將近 nearly before
        接近 nearly before
        约 about before
        大概 about before
        约有 about before
        約有 about before
        大约有 about before
        大約有 about before
        几 about before
        幾 about before
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
        不得超过 under before
        不得超過 under before
        不得高于 under before
        不得高於 under before
        不得低于 under before
        不得低於 under before
        不低于 over before
        不低於 over before
        不少于 over before
        不少於 over before
        连续 before
        連續 before
        余 over after
        餘 over after
        多 over after
        以上 over after
        以下 under after
        左右 about after
        上下 about after
        """
}
