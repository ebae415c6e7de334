extension LexiconText {
    /// Measure words and units that may follow a number; the longest match wins, so compounds
    /// (`人次`, `万元`, `辆（列、架）次`) are listed whole. Traditional forms included. Tags:
    /// `count`, a classifier that may be followed by the noun it counts (`10个部门`); `weak`, a
    /// classifier that after a small Chinese numeral names parts of a speech (`四个方面`), not data.
    static let measureWords = """
        辆（列、架）次
        輛（列、架）次
        人次
        人口
        家庭
        剂次
        劑次
        剂
        劑
        例
        颗
        顆
        瓶
        箱
        盒
        班次
        趟
        场次
        場次
        架次
        艘次
        车次
        車次
        列次
        辆次
        輛次
        户次
        戶次
        批次
        件次
        个 count weak
        個 count weak
        次
        人
        名 count
        位 count
        处
        處
        起
        宗
        枚
        发
        發
        支 count
        把
        条 count weak
        條 count weak
        辆 count
        輛 count
        家 count
        户 count
        戶 count
        件 count
        项 count weak
        項 count weak
        所 count
        座 count
        张 count
        張 count
        部 count
        册
        冊
        本 count
        份
        套 count
        台 count
        臺 count
        艘 count
        架 count
        列
        头 count
        頭 count
        只 count
        隻 count
        匹
        棵
        株
        块
        塊
        间
        間
        栋
        棟
        幢
        层
        層
        场
        場
        期 weak
        批 count weak
        篇 count
        封
        组
        組
        队
        隊
        支队
        种 count weak
        種 count weak
        类 count weak
        類 count weak
        吨
        噸
        公斤
        千克
        克
        斤
        万吨
        元
        万元
        亿元
        美元
        港元
        港幣
        港币
        新台幣
        新台币
        人民币
        人民幣
        欧元
        块钱
        亩
        畝
        公顷
        公頃
        微克/立方米
        毫克/立方米
        毫克/升
        公里/小时
        公里/小時
        千米/小时
        千米/小時
        平方公里
        平方千米
        平方米
        立方米
        公里
        千米
        米
        公尺
        厘米
        毫米
        升
        毫升
        千瓦
        千瓦时
        度
        年 weak duration
        个月 duration
        個月 duration
        个星期 duration
        個星期 duration
        天 duration
        小时 duration
        小時 duration
        分钟 duration
        分鐘 duration
        秒 duration
        周 duration
        週 duration
        星期 duration
        岁
        歲
        倍
        分
        个百分点
        個百分點
        百分点
        百分點
        省区 count
        省份
        省 count
        市 count
        县 count
        縣 count
        """
}
