"""Word lists behind the name detector (:mod:`portal.core.pii_people`).

They are context, not the detector: jieba finds the names; these words say where a name is
expected (role words, forms of address), which characters start one (surnames), and which
neighbours show that a word is a place, a unit or an official in role rather than a person.
"""

from __future__ import annotations

#: Single-character surnames, the common ones first (about 99% of the population).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚"
    "符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆"
    "农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋"
    "商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟"
    "冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来"
    "扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾"
    "茅利于呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)

#: Surnames that are also particles or prepositions (和农村, 向婴儿, 由户主, 于当日).
PARTICLE_SURNAMES = frozenset("和但由向于时同经从及因其以所被对与将把让给跟如若")

#: Words after which a private person's name is expected.
ROLE_WORDS = frozenset(
    {
        "投诉人", "被投诉人", "申请人", "被申请人", "当事人", "举报人", "被举报人", "报警人", "报案人",
        "控告人", "求助人", "来访人", "来电人", "反映人", "信访人", "受害人", "被害人", "嫌疑人",
        "犯罪嫌疑人", "违法嫌疑人", "违法行为人", "行为人", "证人", "代理人", "委托代理人", "监护人",
        "法定代理人", "联系人", "担保人", "见证人", "家属", "邻居", "丈夫", "妻子", "儿子", "女儿",
        "父亲", "母亲", "哥哥", "姐姐", "弟弟", "妹妹", "车主", "驾驶人", "驾驶员", "乘客", "租户",
        "房东", "业主", "户主", "住户", "村民", "居民", "市民", "群众", "公民", "网民", "患者",
        "学生", "员工", "老人", "男子", "女子", "姓名", "名叫", "叫做", "本人", "其子", "其女",
        "其妻", "其夫", "死者", "伤者", "失主", "申诉人", "复议申请人", "第三人",
    }
)

#: Forms of address that follow a name (王五先生, 李建国同志).
FORMS_OF_ADDRESS = frozenset(
    {"先生", "女士", "同志", "老人", "师傅", "阿姨", "大爷", "大妈", "大姐", "大哥", "同学", "老师",
     "医生", "小朋友", "夫妇", "一家"}
)

#: Titles of officials acting in their role (with a police number or a unit, not masked).
OFFICIAL_TITLES = frozenset(
    {"民警", "警官", "辅警", "警员", "所长", "副所长", "教导员", "局长", "副局长", "队长", "副队长",
     "中队长", "大队长", "政委", "科长", "副科长", "主任", "副主任", "处长", "承办民警", "值班民警",
     "社区民警", "办案民警", "接警民警", "出警民警", "负责人", "经办人", "承办人"}
)

#: Unit names and suffixes: a title right after one of these belongs to an official.
UNIT_SUFFIXES = (
    "派出所", "公安局", "分局", "大队", "支队", "中队", "警务室", "警务站", "交警", "科", "处",
    "办公室", "中心", "所", "局", "队",
)

#: A word followed by one of these characters is a place or a unit, not a person.
PLACE_OR_UNIT_AFTER = frozenset("路街道巷弄村庄屯镇乡县市区省州山河湖桥口井门寺府站园港湾岭坡沟店场馆")

#: Words after which the word before is the name of a unit or a place (王府井派出所, 周庄古镇).
UNIT_OR_PLACE_WORDS = (
    "派出所", "分局", "公安", "大队", "支队", "中队", "警务", "交警", "景区", "风景", "地区", "步行",
    "商场", "医院", "学校", "中学", "小学", "大学", "公司", "集团", "银行", "酒店", "宾馆", "古镇",
    "片区", "广场", "大街", "沿线", "一带", "附近",
)

#: Places whose names look like a person's name (checked whole).
LANDMARKS = frozenset(
    {"王府井", "张家口", "张家界", "张家港", "黄山", "长安街", "周庄", "李家沱", "马家堡", "何家村",
     "高新区", "文昌阁", "朱家角", "杨浦", "石景山", "金水", "武侯祠", "包头", "齐齐哈尔", "秦皇岛",
     "黄浦江", "白云山", "周口", "安阳", "常州", "温州", "牛街", "柳州", "龙华", "罗湖", "宁波"}
)

#: What may follow a person's name at the start of a clause: the verb or particle of a sentence
#: about that person (王五反映…, 林志强对…, 杨过未…), a form of address or punctuation.
NAME_FOLLOWERS = (
    "反映", "称", "要求", "对", "已", "的", "未", "于", "家住", "住", "现住", "现居", "居住", "租住",
    "暂住", "老家", "户籍", "与", "和", "及", "、", "拒绝", "拒不", "撤回", "撤销", "申请", "向", "因",
    "在", "被", "到", "来电", "来访", "来信", "报警", "报案", "表示", "认为", "提出", "不服", "系",
    "是", "等", "均", "二人", "两人", "也", "又", "曾", "将", "把", "驾车", "驾驶", "提交", "领取",
    "缴纳", "主动", "涉嫌", "同意", "签", "确认", "陈述", "承认", "供述", "辩称", "声称", "诉称",
    "发现", "遭", "遇", "丢失", "走失", "酒后", "无证", "持", "携带", "骑", "通过", "多次", "一直",
    "当场", "当天", "当日", "次日", "随后", "立即", "遂", "借", "给", "替", "帮", "欠", "殴打",
    "辱骂", "威胁", "恐吓", "诈骗", "盗窃", "请求", "咨询", "投诉", "举报", "起诉", "并",
    "先生", "女士", "同志", "老人", "（", "(", "，", ",", "。", "；", ";", "！", "？", " ",
)

#: Characters that never end a given name: particles, verbs and nouns of the sentence.
NOT_GIVEN_NAME = frozenset(
    "的了在和与及被把将对从是到去说称因等并也又已曾就才都而且或家住现反映系某所局队要求诉报"
    "打骂让给找请当卡号公证法品费看应"
)
