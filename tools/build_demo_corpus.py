"""Build the fictional demo corpus under ``data/demo/``.

Every company, person and figure in the corpus is invented. The texts are assembled
from hand-written, submission-specific content blocks (``CONTENT_*`` below) and a
small set of phrasing alternatives, chosen with seeded random generators, so the
output is deterministic: running the script twice gives byte-identical .txt/.md/
.csv/.json files and .docx/.xlsx files with identical text (zip timestamps differ).

Usage::

    python tools/build_demo_corpus.py            # writes data/demo/
    python tools/build_demo_corpus.py --out DIR  # writes elsewhere (tests use this)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: nlp/

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "demo"
SEED = "scenario-kb-demo-2021"

# --------------------------------------------------------------------------------------
# Reference lists (copied from the reconstruction of the 2021 guide and task list)
# --------------------------------------------------------------------------------------

_GUIDE = """\
1|工厂设计|1|工厂数字化设计
1|工厂设计|2|数字孪生工厂建设
2|产品研发|3|产品数字化研发与设计
2|产品研发|4|虚拟试验与调试
3|工艺设计|5|数字化工艺设计
4|计划调度|6|生产计划优化
4|计划调度|7|车间智能排产
4|计划调度|8|资源动态配置
5|生产作业|9|产线柔性配置
5|生产作业|10|工艺动态优化
5|生产作业|11|先进过程控制
5|生产作业|12|人机协同制造
5|生产作业|13|精益生产管理
6|设备管理|14|在线运行监测
6|设备管理|15|设备故障诊断与预测
7|仓储配送|16|智能仓储
7|仓储配送|17|精准配送
8|安全管控|18|危险作业自动化
8|安全管控|19|安全风险实时监测与应急处置
9|能源管理|20|能耗数据监测
9|能源管理|21|能效平衡与优化
10|环保管控|22|污染监测与管控
10|环保管控|23|废弃物综合利用
11|质量管控|24|智能在线检测
11|质量管控|25|质量精准追溯
11|质量管控|26|产品质量优化
12|营销管理|27|销售驱动业务优化
12|营销管理|28|精准营销
13|售后服务|29|产品远程运维
13|售后服务|30|主动客户服务
14|供应链管理|31|供应链计划协同优化
14|供应链管理|32|供应链风险管控
14|供应链管理|33|物流实时监测与优化
15|模式创新|34|大规模个性化定制
15|模式创新|35|网络协同制造
15|模式创新|36|共享制造
15|模式创新|37|远程运维服务
"""

_TASKS = """\
原材料|石化化工|石化化工智能制造示范工厂
原材料|钢铁|钢铁智能制造示范工厂
原材料|有色金属|有色金属智能制造示范工厂
原材料|建材|建材智能制造示范工厂
装备|汽车及零部件|汽车智能制造示范工厂
装备|工程机械|工程机械智能制造示范工厂
装备|轨道交通装备|轨道交通装备智能制造示范工厂
装备|船舶与海洋工程装备|船舶智能制造示范工厂
装备|航空航天装备|航空航天装备智能制造示范工厂
装备|电力装备|电力装备智能制造示范工厂
装备|通用与专用装备|机床及通用装备智能制造示范工厂
装备|农机装备|农机装备智能制造示范工厂
消费品|纺织服装|纺织服装智能制造示范工厂
消费品|食品饮料|食品饮料智能制造示范工厂
消费品|医药|医药智能制造示范工厂
消费品|家电|家电智能制造示范工厂
消费品|轻工家居|轻工家居智能制造示范工厂
电子信息|电子元器件与集成电路|电子元器件智能制造示范工厂
电子信息|新型显示|新型显示器件智能制造示范工厂
电子信息|通信与计算机终端|通信设备与终端智能制造示范工厂
"""

#: code -> (scenario name, 环节 name)
SCENARIOS: dict[str, tuple[str, str]] = {}
for _line in _GUIDE.splitlines():
    _ln, _link, _no, _name = _line.split("|")
    SCENARIOS[f"G21-{int(_no):02d}"] = (_name, _link)

#: code -> task name
TASKS: dict[str, str] = {}
for _i, _line in enumerate(_TASKS.splitlines(), start=1):
    TASKS[f"T21-{_i:02d}"] = _line.split("|")[2]

#: Finding codes the checks implement; ``weak`` in the manifest uses only these.
FINDING_CODES = (
    "LEN001",
    "LEN002",
    "STR001",
    "QNT001",
    "QNT003",
    "VAG001",
    "BOI001",
    "ELM001",
    "SEC001",
    "CON001",
    "FIG001",
    "CLS001",
)

#: Sentences that many unrelated submissions legitimately share (not a family).
TEMPLATE_SENTENCES = {
    "T1": "本项目严格按照国家智能制造标准体系建设指南要求实施。",
    "T2": "项目使用的关键技术装备和工业软件安全可控，解决方案不存在知识产权纠纷。",
    "T3": "下一步，企业将持续深化新一代信息技术与制造业融合发展，不断提升智能制造水平。",
}

# 字数 of the manifest: the product's own rule (nlp/count.py, documented in docs/checks.md), so that the
# manifest and the checks never disagree on what a text's length is.
from nlp.count import count_zishu  # noqa: E402

# --------------------------------------------------------------------------------------
# Companies (all invented) and submissions
# --------------------------------------------------------------------------------------

# key|full name|short name|地区|地区类型|place|行业|business (predicate)|founded|staff|rd|revenue(亿元)|patents
_COMPANIES = """\
s01|瀚海能源榆林精细化工有限公司|瀚海榆化|中国瀚海能源集团有限公司|中央企业|陕西省榆林市榆横工业区|化学原料和化学制品制造业|主要从事煤基精细化学品和高端聚烯烃专用料的生产|2016|1380|176|46.2|38
s02a|桂柳驰远汽车有限公司|驰远汽车|广西壮族自治区|省级|柳州市柳东新区|汽车制造业|专注于紧凑型乘用车和新能源微型车的整车制造|2009|4120|530|118.6|205
s02b|深圳芯岚智联电子有限公司|芯岚智联|深圳市|计划单列市|宝安区|计算机、通信和其他电子设备制造业|从事物联网通信模组和智能终端主板的研发与SMT贴装制造|2012|2260|410|31.4|97
s03|湘岳重工机械股份有限公司|湘岳重工|湖南省|省级|长沙市经开区|专用设备制造业|主要研制混凝土泵送设备和旋挖钻机等工程机械产品|2002|3650|720|86.3|412
s04|长白辰轨客车装备有限公司|辰轨客车|吉林省|省级|长春市绿园区|铁路、船舶、航空航天和其他运输设备制造业|承担城市轨道车辆和市域动车组的设计、制造与维保|2006|2870|460|52.7|164
s05|秦翼航空构件有限公司|秦翼航空|陕西省|省级|西安市阎良区|铁路、船舶、航空航天和其他运输设备制造业|专业从事航空钛合金及铝合金结构件的数控加工与部件装配|2010|960|185|9.8|57
s06|唐澜特钢有限公司|唐澜特钢|河北省|省级|唐山市丰南区|黑色金属冶炼和压延加工业|以优特钢棒线材和汽车用齿轮钢为主导产品|2004|5230|390|212.5|88
s07a|东莞科澜电子科技有限公司|科澜电子|广东省|省级|东莞市松山湖片区|计算机、通信和其他电子设备制造业|从事片式电感和高频变压器等磁性元器件的研发与生产|2008|1940|260|14.3|73
s07b|蜀芯精密电子有限公司|蜀芯精密|四川省|省级|成都市双流区|计算机、通信和其他电子设备制造业|主要生产车规级功率模块及工业控制板卡|2013|1320|215|11.6|49
s07c|苏绣澜纺织科技有限公司|绣澜纺织|江苏省|省级|苏州市吴江区|纺织业|专业从事高档真丝及仿真丝面料的织造与后整理|1998|1150|96|7.9|31
s08|大连瀚洋船舶重工有限公司|瀚洋重工|大连市|计划单列市|甘井子区|铁路、船舶、航空航天和其他运输设备制造业|主要建造大型散货船、成品油船及海洋工程辅助船|2005|6300|840|97.1|152
s09a|芜湖驰衡汽车零部件有限公司|驰衡零部件|安徽省|省级|芜湖市鸠江区|汽车制造业|主要生产乘用车副车架、控制臂等底盘结构件|2011|1480|190|12.4|36
s09b|佛山澳澜电器有限公司|澳澜电器|广东省|省级|佛山市顺德区|电气机械和器材制造业|专业生产壁挂式燃气热水器和智能恒温模块|2003|2050|280|23.8|131
s10|包头金澜铝业有限公司|金澜铝业|内蒙古自治区|省级|包头市九原区|有色金属冶炼和压延加工业|拥有500kA预焙阳极电解槽系列，主要产品为重熔用铝锭和铝合金圆铸锭|2007|3320|240|138.9|42
s11a|淄博齐润石化有限公司|齐润石化|山东省|省级|淄博市临淄区|石油、煤炭及其他燃料加工业|拥有常减压、催化裂化和加氢精制等主要装置，原油一次加工能力500万吨/年|1993|2480|210|186.4|26
s11b|黔峰建材有限公司|黔峰建材|贵州省|省级|安顺市西秀区|非金属矿物制品业|主要生产通用硅酸盐水泥和商品熟料，拥有两条5000t/d熟料生产线|2010|860|74|16.8|19
s12|辽沈精机机床有限公司|辽沈精机|辽宁省|省级|沈阳市铁西区|通用设备制造业|主要研制立式加工中心、龙门加工中心和五轴联动机床|1996|2140|380|19.7|143
s12b|青岛澜海家电有限公司|澜海家电|青岛市|计划单列市|黄岛区|电气机械和器材制造业|主要生产滚筒洗衣机和洗烘一体机|2006|3890|460|58.2|266
s13|泉州闽澜服饰有限公司|闽澜服饰|福建省|省级|泉州市晋江市|纺织服装、服饰业|从事运动服装和功能性户外服饰的设计与生产|2001|3270|150|21.5|28
s14|许昌恒珩电气有限公司|恒珩电气|河南省|省级|许昌市城乡一体化示范区|电气机械和器材制造业|主要生产干式变压器、箱式变电站和高低压成套开关设备|2004|1560|230|18.2|64
s15a|无锡澄锋动力机械有限公司|澄锋动力|江苏省|省级|无锡市惠山区|通用设备制造业|专业从事非道路柴油发动机缸体、缸盖的精密加工与整机装配|2000|2680|340|37.6|92
s15b|嘉兴禾翎新材料有限公司|禾翎新材料|浙江省|省级|嘉兴市嘉兴港区|化学原料和化学制品制造业|主要生产聚碳酸酯和双酚A等化工新材料|2012|940|120|42.3|47
s15c|厦门鹭芯半导体有限公司|鹭芯半导体|厦门市|计划单列市|海沧区|计算机、通信和其他电子设备制造业|从事功率半导体器件的晶圆后道封装与测试|2014|1730|290|15.9|58
s16a|湖州澜康药业有限公司|澜康药业|浙江省|省级|湖州市吴兴区|医药制造业|主要从事化学制剂和中成药的研发、生产与销售，拥有片剂、胶囊剂、颗粒剂等剂型生产线|1995|1420|210|24.6|67
s16b|郑州豫香食品有限公司|豫香食品|河南省|省级|郑州市航空港区|食品制造业|主要生产速冻米面制品和中式预制菜肴|2005|2960|110|33.4|21
s16c|东营润驰轮胎有限公司|润驰轮胎|山东省|省级|东营市广饶县|橡胶和塑料制品业|主要生产全钢载重子午线轮胎和半钢乘用车轮胎|2003|4480|360|72.8|81
s17|汉川驰程汽车有限公司|驰程汽车|湖北省|省级|武汉市蔡甸区|汽车制造业|从事中高端SUV和MPV车型的整车制造|2014|3810|620|145.2|176
s18|太原晋铸机械有限公司|晋铸机械|山西省|省级|太原市清徐县|金属制品业|专业生产大型球墨铸铁件、耐磨铸钢件及铸件加工|1988|1240|95|8.6|24
s19a|石河子天澜化工有限公司|天澜化工|新疆生产建设兵团|兵团|第八师石河子市|化学原料和化学制品制造业|主要生产聚氯乙烯树脂、烧碱和电石等产品|2006|3150|170|61.7|30
s19b|宁东澜源煤化工有限公司|澜源煤化工|宁夏回族自治区|省级|银川市宁东能源化工基地|石油、煤炭及其他燃料加工业|以煤气化和甲醇制烯烃为主要工艺，年产烯烃60万吨|2013|2240|260|98.3|44
s20a|重庆渝澜汽车零部件有限公司|渝澜零部件|重庆市|省级|两江新区|汽车制造业|主要生产汽车铝合金压铸壳体和变速器总成|2007|1870|230|26.1|58
s20b|绍兴柯澜印染有限公司|柯澜印染|浙江省|省级|绍兴市柯桥区|纺织业|从事化纤及混纺面料的染色与功能性后整理|2002|780|45|6.3|17
s21|赣北新岳钢铁有限公司|新岳钢铁|江西省|省级|九江市湖口县|黑色金属冶炼和压延加工业|拥有烧结、炼铁、炼钢、轧钢完整长流程，年产钢能力600万吨|1999|7120|510|296.4|103
s22|石家庄冀衡生物制药有限公司|冀衡制药|河北省|省级|石家庄市循环化工园区|医药制造业|主要从事抗生素原料药和医药中间体的发酵与合成生产|2000|2330|340|35.7|89
s23|云岭屹锌冶炼有限公司|屹锌冶炼|云南省|省级|曲靖市沾益区|有色金属冶炼和压延加工业|采用湿法炼锌工艺，年产电锌20万吨并综合回收铟、锗等稀散金属|2008|1690|140|57.4|35
s24a|宁波甬翎精密注塑有限公司|甬翎精密|宁波市|计划单列市|北仑区|橡胶和塑料制品业|专业生产汽车内外饰注塑件和家电精密结构件|2006|1100|130|8.9|39
s24b|合肥澜屏光电科技有限公司|澜屏光电|安徽省|省级|合肥市新站区|计算机、通信和其他电子设备制造业|从事中小尺寸LCD显示模组和车载显示屏的生产|2015|2870|350|41.2|114
s24c|四川蜀昀酒业有限公司|蜀昀酒业|四川省|省级|宜宾市翠屏区|酒、饮料和精制茶制造业|主要生产浓香型白酒，拥有年灌装能力3万吨的包装中心|1987|3460|120|45.8|33
s25a|黑龙江北澜乳业有限公司|北澜乳业|黑龙江省|省级|齐齐哈尔市建华区|食品制造业|主要生产婴幼儿配方乳粉和低温鲜奶，自有万头牧场两座|2004|1650|105|28.7|26
s25b|天津津睿新能源科技有限公司|津睿新能源|天津市|省级|滨海新区|电气机械和器材制造业|从事动力锂离子电池电芯、模组和电池包的研发与制造|2016|2410|480|53.6|121
s26|江门粤珩纸业有限公司|粤珩纸业|广东省|省级|江门市新会区|造纸和纸制品业|以进口木浆和废纸浆为原料，生产涂布白板纸和高强瓦楞原纸|2001|1280|90|31.9|22
s27|杭州澜庭厨电有限公司|澜庭厨电|浙江省|省级|杭州市余杭区|电气机械和器材制造业|从事吸油烟机、燃气灶和集成灶等厨房电器的研发与生产|2007|1960|260|27.4|108
s28|亳州古沣酒业有限公司|古沣酒业|安徽省|省级|亳州市谯城区|酒、饮料和精制茶制造业|主要生产浓香型白酒和露酒|1993|2120|80|19.6|15
s29|徐州澜工机械有限公司|澜工机械|江苏省|省级|徐州市铜山区|专用设备制造业|主要生产汽车起重机和高空作业平台|2004|2750|420|64.5|187
s30|潍坊齐丰农业装备有限公司|齐丰农装|山东省|省级|潍坊市坊子区|专用设备制造业|从事轮式拖拉机、玉米收获机和植保机械的研发与制造|2008|1830|240|22.1|76
s31|上海申澜汽车系统有限公司|申澜汽车系统|上海市|省级|嘉定区|汽车制造业|主要生产汽车座椅骨架和电动调节机构|2002|2390|310|36.8|94
s32|惠州惠昀通讯设备有限公司|惠昀通讯|广东省|省级|惠州市仲恺高新区|计算机、通信和其他电子设备制造业|从事路由器、光猫等宽带接入终端的ODM制造|2010|3040|390|38.5|86
s33|兰州陇峰建材有限公司|陇峰建材|甘肃省|省级|兰州市永登县|非金属矿物制品业|主要生产水泥、熟料和商品混凝土|2005|1180|60|13.7|11
s34|赣州南珩家具有限公司|南珩家具|江西省|省级|赣州市南康区|家具制造业|专业从事实木及板木结合家具的设计、定制与生产|2009|1560|140|10.8|45
s35|北京燕翎航天精密制造有限公司|燕翎精密|北京市|省级|大兴区|铁路、船舶、航空航天和其他运输设备制造业|承担航天器结构件、精密舱段的研制与批产|2011|870|260|7.4|69
s36|沧州泊沣铸造科技有限公司|泊沣铸造|河北省|省级|沧州市泊头市|金属制品业|经营区域铸造共享工厂，提供砂型3D打印、熔炼和精加工服务|2017|460|55|3.2|18
s37|恒岳智能压缩机有限公司|恒岳压缩机|中国恒岳装备集团有限公司|中央企业|江苏省南京市江宁区|通用设备制造业|从事离心式和螺杆式工业压缩机的研发制造与服务|2003|1720|330|28.9|132
s90|江南精工装备有限公司|江南精工|江苏省|省级|常州市武进区|通用设备制造业|专业从事精密滚珠丝杠和直线导轨等功能部件的生产|1991|1260|210|18.6|46
s91|大同澜丰陶瓷有限公司|澜丰陶瓷|山西省|省级|大同市云冈区|非金属矿物制品业|主要生产日用陶瓷和酒店瓷|2009|420|25|2.1|6
c01|亳州华弘中药饮片有限公司|华弘药业|安徽省|省级|亳州市谯城区|医药制造业|主要从事中药饮片和中成药的生产与销售|2004|980|120|12.6|23
c02a|沧州渤珩石化有限公司|渤珩石化|河北省|省级|沧州市临港经济技术开发区|石油、煤炭及其他燃料加工业|主要装置包括常减压、延迟焦化和柴油加氢，原油加工能力350万吨/年|2001|1730|150|121.8|14
c02b|延安秦岳石化有限公司|秦岳石化|陕西省|省级|延安市宝塔区|石油、煤炭及其他燃料加工业|拥有常减压蒸馏和重油催化裂化装置，原油加工能力300万吨/年|1997|1510|130|96.2|11
c03|株洲湘锋动力机械有限公司|湘锋动力|湖南省|省级|株洲市天元区|通用设备制造业|专业从事中小功率柴油发动机机体加工与整机装配|2003|1980|260|24.1|51
c05|青岛海翎精密塑胶有限公司|海翎塑胶|青岛市|计划单列市|城阳区|橡胶和塑料制品业|从事汽车内饰件和小家电外壳的精密注塑生产|2009|860|90|6.4|21
c06|四川绵昀汽车配件有限公司|绵昀汽配|四川省|省级|绵阳市涪城区|汽车制造业|主要生产汽车铝合金压铸件和转向器壳体|2010|1240|150|15.3|27
f01|广州穗驰新能源汽车有限公司|穗驰新能源|广东省|省级|广州市番禺区|汽车制造业|从事纯电动乘用车的研发与整车制造，年产能20万辆|2017|5620|1380|168.3|311
f02|日照澜海精品钢有限公司|澜海精品钢|山东省|省级|日照市岚山区|黑色金属冶炼和压延加工业|建有从原料码头到冷轧的全流程产线，主要生产汽车用钢和高强船板|2009|8650|620|412.7|138
f03|瀚海能源惠州石化有限公司|瀚海惠州石化|中国瀚海能源集团有限公司|中央企业|广东省惠州市大亚湾经济技术开发区|石油、煤炭及其他燃料加工业|拥有1200万吨/年炼油和100万吨/年乙烯联合装置|2011|3960|520|865.4|96
f04|台州澜海制药股份有限公司|澜海制药|浙江省|省级|台州市椒江区|医药制造业|从事心血管类和抗感染类原料药及口服固体制剂的研发生产|1989|4270|760|62.3|228
f05|合肥澜悦家用电器有限公司|澜悦家电|安徽省|省级|合肥市经开区|电气机械和器材制造业|主要生产变频空调和热泵热水器，年产能650万台|2008|6180|890|152.6|534
f06|无锡芯澄微电子有限公司|芯澄微电子|江苏省|省级|无锡市新吴区|计算机、通信和其他电子设备制造业|从事集成电路封装测试，主要封装形式为QFN、BGA和SiP|2010|3480|520|46.9|187
f07|宁波甬裳服饰有限公司|甬裳服饰|宁波市|计划单列市|鄞州区|纺织服装、服饰业|从事男装衬衫、西服的设计与生产，兼营量体定制业务|1994|4620|260|57.8|63
f08|呼和浩特澜原乳业有限公司|澜原乳业|内蒙古自治区|省级|呼和浩特市和林格尔县|食品制造业|主要生产常温液态奶、酸奶和奶粉，日处理鲜奶2000吨|2002|3580|190|96.5|41
f09|柳州澜工机械有限公司|柳州澜工|广西壮族自治区|省级|柳州市柳南区|专用设备制造业|主要生产轮式装载机和小型挖掘机|1998|4370|690|93.2|246
f10|平顶山澜源电气有限公司|澜源电气|河南省|省级|平顶山市高新区|电气机械和器材制造业|主要生产高压开关、气体绝缘金属封闭开关设备和隔离开关|1995|3260|580|71.4|205
f11|黄石澜峰水泥有限公司|澜峰水泥|湖北省|省级|黄石市阳新县|非金属矿物制品业|拥有两条6000t/d新型干法熟料线和配套余热发电|2008|920|70|34.6|20
f12|深圳澜讯通信技术有限公司|澜讯通信|深圳市|计划单列市|龙岗区|计算机、通信和其他电子设备制造业|从事5G小基站、工业网关和光通信模块的研发与制造|2011|2970|1120|63.5|372
f13|烟台澜锋数控机床有限公司|澜锋数控|山东省|省级|烟台市福山区|通用设备制造业|主要研制数控车床、车铣复合中心和柔性制造单元|2002|1640|290|15.8|118
"""


@dataclass
class Company:
    """An invented applicant."""

    key: str
    full: str
    short: str
    region: str
    region_type: str
    place: str
    industry: str
    biz: str
    founded: int
    staff: int
    rd: int
    revenue: str
    patents: int

    @property
    def location(self) -> str:
        """Where the company sits, as written in the 企业概况."""
        if self.region_type == "中央企业":
            return self.place
        return self.region + self.place


COMPANIES: dict[str, Company] = {}
for _line in _COMPANIES.splitlines():
    _f = _line.split("|")
    COMPANIES[_f[0]] = Company(
        _f[0], _f[1], _f[2], _f[3], _f[4], _f[5], _f[6], _f[7], int(_f[8]), int(_f[9]),
        int(_f[10]), _f[11], int(_f[12]),
    )  # fmt: skip


@dataclass
class Spec:
    """One submission to generate."""

    sid: str
    company: str
    kind: str  # scenario | factory
    claimed: str  # G21-NN or T21-NN
    true: list[str]
    year: int
    fmt: str  # docx | txt-gbk | txt | md | xlsx
    weak: list[str] = field(default_factory=list)
    block: str = ""  # content block id (defaults to sid)
    family: str | None = None
    role: str | None = None
    source: str | None = None  # sid of the family original
    misclaimed: bool = False
    off_topic: bool = False
    skip: tuple[str, ...] = ()  # canonical parts left out
    table: bool = False  # docx: results as a table
    heading_style: int | None = None


def _spec(line: str) -> Spec:
    # sid|company|kind|claimed|true codes|year|fmt|weak|extras(k=v;...)
    f = line.split("|")
    kind = "factory" if f[2] == "F" else "scenario"
    claimed = f[3]
    true = [t for t in f[4].split(",") if t]
    s = Spec(f[0], f[1], kind, claimed, true, int(f[5]), f[6])
    s.weak = [w for w in f[7].split(",") if w]
    s.block = f[0]
    for kv in f[8].split(";") if len(f) > 8 and f[8] else []:
        k, _, v = kv.partition("=")
        if k == "fam":
            s.family = v
        elif k == "role":
            s.role = v
        elif k == "src":
            s.source = v
        elif k == "block":
            s.block = v
        elif k == "skip":
            s.skip = tuple(v.split(","))
        elif k == "table":
            s.table = True
        elif k == "hs":
            s.heading_style = int(v)
        elif k == "mis":
            s.misclaimed = True
        elif k == "off":
            s.off_topic = True
    if s.kind == "scenario" and not claimed.startswith("G21-"):
        claimed = "G21-" + claimed
    s.claimed = claimed if claimed.startswith(("G21-", "T21-")) else claimed
    s.true = [t if t.startswith(("G21-", "T21-")) else "G21-" + t for t in s.true]
    return s


# Claimed / true codes: scenario numbers; factory lines claim a task code.
_SPECS = """\
s01|s01|S|01|01,02|2021|docx|BOI001|table
s02a|s02a|S|02|02,14|2021|txt|
s02b|s02b|S|02|02,07,24|2021|md|LEN001
s03|s03|S|03|03,04|2021|docx||table
s04|s04|S|04|04,03|2021|txt-gbk|
s05|s05|S|05|05|2021|txt|
s06|s06|S|06|06,07|2021|md|
s07a|s07a|S|07|07,06|2021|txt||fam=F04;role=original;src=s07a
s07b|s07b|S|07|07|2021|docx||fam=F04;role=section_copy;src=s07a
s07c|s07c|S|07|07,08|2021|txt-gbk|
s08|s08|S|08|08,07|2021|docx|
s09a|s09a|S|09|09,12|2021|txt|
s09b|s09b|S|09|09,34|2022|xlsx|
s10|s10|S|10|10,11|2021|txt-gbk|
s11a|s11a|S|11|11,21|2021|txt||fam=F02;role=original;src=s11a
s11b|s11b|S|11|11,21|2021|docx||table
s12|s12|S|12|12,09|2021|md|
s12b|s12b|S|12|12,18|2022|xlsx|
s13|s13|S|13|13|2021|txt|ELM001
s14|s14|S|14|14,15|2021|txt-gbk|
s15a|s15a|S|15|15,14|2021|docx||fam=F03;role=original;src=s15a;table
s15b|s15b|S|02|15,14|2021|txt|CLS001|mis
s15c|s15c|S|15|15,14|2022|xlsx|
s16a|s16a|S|16|16,17|2021|docx||fam=F01;role=original;src=s16a
s16b|s16b|S|16|16,25|2021|md|
s16c|s16c|S|16|16,17|2021|txt-gbk|
s17|s17|S|17|17,16|2021|txt|
s18|s18|S|18|18,12|2021|docx|
s19a|s19a|S|19|19,22|2021|txt|
s19b|s19b|S|19|19,18|2022|xlsx|
s20a|s20a|S|20|20,21|2021|md||fam=F06;role=original;src=s20a
s20b|s20b|S|20|20,22|2021|txt|QNT003
s21|s21|S|21|21,20,22|2021|docx|LEN001
s22|s22|S|22|22,19|2021|txt-gbk|
s23|s23|S|23|23,22|2021|md|
s24a|s24a|S|24|24,25|2021|txt-gbk||fam=F05;role=original;src=s24a
s24b|s24b|S|24|24,26|2021|docx||table
s24c|s24c|S|24|24,25|2021|txt|
s25a|s25a|S|25|25,16|2021|md|
s25b|s25b|S|32|25,24|2021|txt|CLS001|mis
s26|s26|S|26|26,10|2022|xlsx|
s27|s27|S|27|27,31|2021|txt|QNT001,VAG001
s28|s28|S|28|28,27|2021|txt-gbk|STR001|skip=overview,value
s29|s29|S|29|29,37|2022|xlsx|
s30|s30|S|30|30,29|2021|md|QNT001,VAG001
s31|s31|S|31|31,33|2021|docx|
s32|s32|S|32|32,31|2021|txt|CON001
s33|s33|S|33|33,17|2021|txt-gbk|FIG001
s34|s34|S|34|34,03|2021|docx|
s35|s35|S|35|35,03|2021|md|
s36|s36|S|36|36|2021|txt|STR001|skip=pain
s37|s37|S|37|37,29|2021|docx|
s90|s90|S|13||2021|txt|STR001,QNT001,CLS001|off;mis
s91|s91|S|16|16|2022|xlsx|LEN002
c01|c01|S|16|16,17|2021|txt-gbk||fam=F01;role=verbatim;src=s16a;block=s16a
c02a|c02a|S|11|11,21|2021|md||fam=F02;role=light_edit;src=s11a;block=s11a
c02b|c02b|S|11|11,21|2021|txt||fam=F02;role=light_edit;src=s11a;block=s11a
c03|c03|S|15|15,14|2021|txt-gbk||fam=F03;role=paraphrase;src=s15a;block=s15a~p
c05|c05|S|24|24,25|2022|xlsx||fam=F05;role=light_edit;src=s24a;block=s24a
c06|c06|S|20|20,21|2022|xlsx||fam=F06;role=verbatim;src=s20a;block=s20a
f01|f01|F|T21-05|09,17,24,31,02,20|2021|docx||table
f02|f02|F|T21-02|11,06,15,21,33|2021|txt-gbk|
f03|f03|F|T21-01|11,02,19,15,22,16|2021|docx|
f04|f04|F|T21-15|25,11,16,24,22|2021|md|
f05|f05|F|T21-16|34,09,24,16,29|2021|txt|
f06|f06|F|T21-18|07,24,26,15,16|2021|docx||table
f07|f07|F|T21-13|34,07,12,16|2021|txt-gbk|
f08|f08|F|T21-14|25,24,16,20,31|2021|txt|SEC001
f09|f09|F|T21-06|09,03,12,29,17|2021|md|
f10|f10|F|T21-10|05,24,09,14,25|2021|docx|
f11|f11|F|T21-04|11,20,22,15,33|2021|txt-gbk|
f12|f12|F|T21-20|07,24,12,16,32|2021|txt|
f13|f13|F|T21-11|09,12,15,03,29|2022|xlsx|
"""

SPECS: list[Spec] = [_spec(line) for line in _SPECS.splitlines()]

# --------------------------------------------------------------------------------------
# Content blocks
# --------------------------------------------------------------------------------------


def parse_blocks(blob: str) -> dict[str, dict[str, list[str]]]:
    """Parse the line-based content format: ``@id`` then ``KEY: text`` lines.

    Args:
        blob: the content text.

    Returns:
        block id -> key -> list of values in order.
    """
    blocks: dict[str, dict[str, list[str]]] = {}
    cur: dict[str, list[str]] | None = None
    for raw in blob.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            cur = blocks.setdefault(line[1:].strip(), defaultdict(list))
            continue
        key, sep, val = line.partition(":")
        if not sep or cur is None:
            raise ValueError(f"bad content line: {line[:40]}")
        cur[key.strip()].append(val.strip())
    return blocks


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------

CN_NUM = "一二三四五六七八九十"
HEADS = {
    "overview": ["企业概况", "企业基本情况", "申报单位概况", "企业简介"],
    "pain": ["场景概述", "场景概述及痛点", "场景需求与痛点", "项目背景与痛点分析"],
    "impl": ["实施内容", "主要做法与实施内容", "实施内容与路径", "建设内容"],
    "result": ["实施成效", "应用成效", "取得成效", "实施效果"],
    "value": ["推广价值", "示范推广价值", "推广应用价值", "复制推广价值"],
}
F_HEADS = {
    "overview": ["企业概况", "企业基本情况", "申报单位概况"],
    "pain": ["建设背景与痛点", "示范工厂建设目标与痛点", "工厂概述与建设需求"],
    "impl": ["建设内容", "主要建设内容", "示范工厂建设内容"],
    "result": ["建设成效", "实施成效", "示范工厂建设成效"],
    "value": ["推广价值", "示范引领与推广价值", "推广应用价值"],
}
SUB_METHOD = ["实施方法", "实施路径", "主要做法", "建设思路与实施方法"]
SUB_ELEM = ["实施要素", "关键实施要素", "实施要素构成"]
ELEM_LABELS = [
    ("技术", "装备", "软件", "数据", "人员"),
    ("关键技术", "核心装备", "工业软件", "数据资源", "人才队伍"),
    ("技术要素", "装备要素", "软件要素", "数据要素", "人员要素"),
]
HONOURS = [
    "国家高新技术企业",
    "省级企业技术中心",
    "国家级专精特新“小巨人”企业",
    "省级智能工厂",
    "国家技术创新示范企业",
    "省级数字化车间",
    "国家级绿色工厂",
    "省级工业互联网标杆工厂",
    "国家知识产权示范企业",
    "省级制造业单项冠军企业",
    "省级工程技术研究中心",
    "国家级企业技术中心",
]
BASE_SYSTEMS = ["ERP", "MES", "PLM", "WMS", "SRM", "CRM", "QMS", "EAM", "OA", "LIMS"]
TIME_UNITS = ("天", "小时", "分钟", "秒", "周", "个月", "h", "min", "s")


@dataclass
class Item:
    """One element of a rendered document."""

    kind: str  # heading | para | table
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


class Ctx:
    """Rendering context: company, per-section seeded choices, paraphrase flip."""

    def __init__(self, spec: Spec, company: Company, *, flip: bool = False, seed_id: str = ""):
        self.spec = spec
        self.co = company
        self.flip = flip
        self.seed_id = seed_id or spec.sid
        self.year = spec.year

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{SEED}:{self.seed_id}:{part}")

    def pick(self, rng: random.Random, alts: list[str]) -> str:
        i = rng.randrange(len(alts))
        if self.flip:
            i = (i + 1) % len(alts)
        return alts[i]

    def fill(self, s: str) -> str:
        return s.replace("{co}", self.co.short).replace("{full}", self.co.full)


def _end(s: str) -> str:
    s = s.strip()
    return s if s.endswith(("。", "！", "？", "”", "：")) else s.rstrip("；;，,") + "。"


def _bare(s: str) -> str:
    return s.strip().rstrip("。；;，,")


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _fmt_pct(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def kpi_sentence(k: str, rng: random.Random, ctx: Ctx) -> str:
    """Render one KPI line ``name|unit|before|after[|lie]`` or ``name|up|pct``."""
    f = k.split("|")
    name, unit = f[0], f[1]
    if unit in ("up", "down"):
        verb = ctx.pick(rng, ["提升", "提高"] if unit == "up" else ["降低", "下降"])
        return f"{name}{verb}{f[2]}%"
    b, a = f[2], f[3]
    lie = len(f) > 4 and f[4] == "lie"
    down = _num(a) < _num(b) or lie
    u = unit if unit != "-" else ""
    if down:
        verbs = ["缩短至", "缩短到"] if u in TIME_UNITS else ["降至", "降低到", "下降至"]
    else:
        verbs = ["提升至", "提高到", "增加到"]
    verb = ctx.pick(rng, verbs)
    if u == "%":
        diff = abs(_num(a) - _num(b))
        tail = ctx.pick(rng, ["个百分点", "个百分点"])
        word = "下降" if down else "提高"
        return f"{name}由{b}%{verb}{a}%，{word}{_fmt_pct(diff)}{tail}"
    rel = abs(_num(a) - _num(b)) / _num(b) * 100
    word = ctx.pick(rng, ["降幅", "下降"]) if down else ctx.pick(rng, ["增幅", "提升"])
    return f"{name}由{b}{u}{verb}{a}{u}，{word}{_fmt_pct(rel)}%"


def kpi_row(k: str) -> list[str]:
    f = k.split("|")
    if f[1] in ("up", "down"):
        return [f[0], "—", "—", ("+" if f[1] == "up" else "-") + f[2] + "%"]
    u = "" if f[1] == "-" else f[1]
    b, a = _num(f[2]), _num(f[3])
    if u == "%":
        ch = f"{a - b:+.1f}个百分点"
    else:
        ch = f"{(a - b) / b * 100:+.1f}%"
    if len(f) > 4 and f[4] == "lie":
        ch = ch.replace("+", "-")
    return [f[0], f"{f[2]}{u}", f"{f[3]}{u}", ch]


def h1(ctx: Ctx, idx: int, title: str, style: int) -> Item:
    if style == 1:
        t = f"【{title}】"
    elif style == 2:
        t = f"{idx}. {title}"
    else:
        t = f"{CN_NUM[idx - 1]}、{title}"
    return Item("heading", t, 1)


def h2(ctx: Ctx, i1: int, idx: int, title: str, style: int) -> Item:
    if style == 2:
        t = f"{i1}.{idx} {title}"
    elif style == 3:
        t = f"{idx}. {title}"
    else:
        t = f"（{CN_NUM[idx - 1]}）{title}"
    return Item("heading", t, 2)


def overview(ctx: Ctx, b: dict[str, list[str]], *, mini: bool = False) -> list[str]:
    """Company overview sentences."""
    r = ctx.rng("overview")
    c = ctx.co
    py = ctx.year - 1
    s1 = ctx.pick(
        r,
        [
            f"{c.full}成立于{c.founded}年，位于{c.location}，{c.biz}。",
            f"{c.full}（以下简称“{c.short}”）创建于{c.founded}年，地处{c.location}，{c.biz}。",
        ],
    )
    s2 = ctx.pick(
        r,
        [
            f"公司现有员工{c.staff}人，其中研发及工程技术人员{c.rd}人，{py}年实现营业收入{c.revenue}亿元。",
            f"截至{py}年底，{c.short}共有职工{c.staff}名，研发及工程技术人员{c.rd}名，当年营业收入{c.revenue}亿元。",
        ],
    )
    out = [s1, s2]
    if c.region_type == "中央企业":
        out.insert(1, ctx.pick(r, [f"公司是{c.region}的全资子公司。", f"{c.short}隶属于{c.region}。"]))
    if mini:
        return out
    hs = r.sample(HONOURS, 2)
    out.append(
        ctx.pick(
            r,
            [
                f"企业先后获评{hs[0]}、{hs[1]}，拥有有效发明专利{c.patents}项。",
                f"{c.short}已获{hs[0]}、{hs[1]}等认定，持有有效发明专利{c.patents}项。",
            ],
        )
    )
    dy = max(c.founded + 2, r.randint(2013, 2018))
    inv = f"{max(0.3, float(c.revenue) * r.uniform(0.03, 0.1)):.1f}"
    base = "、".join(sorted(r.sample(BASE_SYSTEMS, 3), key=BASE_SYSTEMS.index))
    out.append(
        ctx.pick(
            r,
            [
                f"近年来，公司把智能化改造作为转型升级的主线，{dy}年以来累计投入{inv}亿元，先后建成{base}等系统。",
                f"{c.short}自{dy}年启动智能化改造以来，在数字化建设上的投入已达{inv}亿元，{base}等系统陆续上线运行。",
            ],
        )
    )
    out.extend(ctx.fill(x) for x in b.get("O", []))
    return out


def _count_word(n: int) -> str:
    return "两" if n == 2 else CN_NUM[n - 1]


def pains(ctx: Ctx, b: dict[str, list[str]], scen: str, link: str) -> list[Item]:
    r = ctx.rng("pain")
    c = ctx.co
    site = b.get("site", ["生产现场"])[0]
    out: list[Item] = []
    for g in b.get("G", []):
        out.append(Item("para", g))
    intro = ctx.pick(
        r,
        [
            f"本次申报场景为“{scen}”，属于{link}环节，实施范围为{site}。",
            f"{c.short}此次申报的场景是{link}环节中的“{scen}”，建设地点位于{site}。",
        ],
    )
    ps = [ctx.fill(p) for p in b.get("P", [])]
    site = site.split("（")[0]
    if not ps:
        return out + [Item("para", intro)]
    mode = r.randrange(2)
    lead = ctx.pick(
        r,
        [
            f"场景实施前，{site}主要存在以下{_count_word(len(ps))}方面痛点：",
            f"改造前，{c.short}在这一场景上面临{_count_word(len(ps))}个突出问题：",
        ],
    )
    if mode == 0:
        body = "；".join(f"{CN_NUM[i]}是{_bare(p)}" for i, p in enumerate(ps)) + "。"
        out.append(Item("para", intro))
        out.append(Item("para", lead + body))
    else:
        conn = ["", "同时，", "此外，", "另外，"]
        out.append(Item("para", intro + lead.rstrip("：") + "。"))
        out.append(Item("para", "".join(conn[min(i, 3)] + _end(p) for i, p in enumerate(ps))))
    tech = _first(b, "T")
    if tech:
        out.append(
            Item(
                "para",
                ctx.pick(
                    r,
                    [
                        f"针对上述问题，{c.short}以{tech}为突破口，在{site}开展“{scen}”场景建设。",
                        f"为解决这些问题，{c.short}决定在{site}实施“{scen}”场景，把{tech}作为主要技术路线。",
                    ],
                ),
            )
        )
    return out


def _first(b: dict[str, list[str]], key: str) -> str:
    """First item of an enumerated element line (``A、B、C`` -> ``A``)."""
    if not b.get(key):
        return ""
    return re.split(r"[、，,；]", b[key][0])[0].strip()


def elements(ctx: Ctx, b: dict[str, list[str]], style: int, r: random.Random) -> list[Item]:
    keys = ["T", "E", "S", "D", "R"]
    vals = [ctx.fill(b[k][0]) if b.get(k) else "" for k in keys]
    if not any(vals):
        return []
    labels = ELEM_LABELS[r.randrange(len(ELEM_LABELS))]
    mode = r.randrange(3)
    out: list[Item] = []
    if mode == 0:
        for i, (lab, v) in enumerate(zip(labels, vals, strict=True)):
            if v:
                num = f"（{i + 1}）" if style == 2 else f"{i + 1}. "
                out.append(Item("para", f"{num}{lab}：{_end(v)}"))
    elif mode == 1:
        for lab, v in zip(labels, vals, strict=True):
            if v:
                out.append(Item("para", f"【{lab}】{_end(v)}"))
    else:
        parts = [f"{lab}方面，{_bare(v)}" for lab, v in zip(labels, vals, strict=True) if v]
        out.append(Item("para", "；".join(parts) + "。"))
    return out


def methods(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    r = ctx.rng("impl")
    out: list[Item] = []
    start = b.get("start", [""])[0]
    go = b.get("go", [""])[0]
    inv = b.get("inv", [""])[0]
    if start and go and inv:
        out.append(
            Item(
                "para",
                ctx.pick(
                    r,
                    [
                        f"项目于{start}启动，{go}全面上线，总投资{inv}万元，主要做法如下。",
                        f"该场景自{start}开始建设，至{go}投入运行，累计投资{inv}万元，具体实施过程如下。",
                    ],
                ),
            )
        )
    phases = _phases(start, go)
    if phases:
        a, m1, m2, z = phases
        out.append(
            Item(
                "para",
                ctx.pick(
                    r,
                    [
                        f"{ctx.co.short}将项目分三个阶段推进：{a}至{m1}完成现状调研与方案设计，{m1}至{m2}完成系统开发与设备安装调试，{m2}至{z}完成试运行与优化提升。",
                        f"{ctx.co.short}的建设过程分为三步：{a}到{m1}为调研和方案设计阶段，{m1}到{m2}为开发、安装与调试阶段，{m2}到{z}为试运行和优化阶段。",
                    ],
                ),
            )
        )
    ms = [ctx.fill(m) for m in b.get("M", [])]
    mode = r.randrange(2)
    if mode == 0 or len(ms) > 4:
        out.extend(Item("para", _end(m)) for m in ms)
    else:
        conn = ["首先，", "其次，", "再次，", "最后，"]
        if len(ms) == 2:
            conn = ["首先，", "在此基础上，"]
        elif len(ms) == 3:
            conn = ["首先，", "其次，", "最后，"]
        out.append(Item("para", "".join(conn[i] + _end(m) for i, m in enumerate(ms))))
    return out


def _phases(start: str, go: str) -> tuple[str, str, str, str] | None:
    """Split ``start``..``go`` (``2019年11月``) into three phases of equal length."""
    ma = re.fullmatch(r"(\d{4})年(\d{1,2})月", start)
    mz = re.fullmatch(r"(\d{4})年(\d{1,2})月", go)
    if not ma or not mz:
        return None
    a = int(ma.group(1)) * 12 + int(ma.group(2)) - 1
    z = int(mz.group(1)) * 12 + int(mz.group(2)) - 1
    if z - a < 4:
        return None

    def ym(v: int) -> str:
        return f"{v // 12}年{v % 12 + 1}月"

    return ym(a), ym(a + (z - a) // 3), ym(a + 2 * (z - a) // 3), ym(z)


def results(ctx: Ctx, b: dict[str, list[str]], table: bool) -> list[Item]:
    r = ctx.rng("result")
    out: list[Item] = []
    ks = b.get("K", [])
    go = b.get("go", ["上线"])[0]
    if not ks:
        ws = [ctx.fill(w) for w in b.get("W", [])]
        out.append(Item("para", "".join(_end(w) for w in ws)))
        return out
    months = r.randint(6, 12)
    intro = ctx.pick(
        r,
        [
            f"场景上线运行{months}个月以来，{ctx.co.short}对主要指标进行了统计对比，变化如下：",
            f"以{go}上线后连续{months}个月的运行数据与改造前同期相比，{ctx.co.short}取得的主要成效如下：",
        ],
    )
    if table:
        out.append(Item("para", intro))
        rows = [["指标", "实施前", "实施后", "变化"]] + [kpi_row(k) for k in ks]
        out.append(Item("table", rows=rows))
    else:
        sents = [kpi_sentence(k, r, ctx) for k in ks]
        mode = r.randrange(2)
        if mode == 0:
            out.append(Item("para", intro + "；".join(sents) + "。"))
        else:
            out.append(Item("para", intro))
            out.append(Item("para", "".join(f"{CN_NUM[i]}是{s}。" for i, s in enumerate(sents))))
    for x in b.get("K2", []):
        out.append(Item("para", _end(ctx.fill(x))))
    sw = _first(b, "S")
    if sw:
        out.append(
            Item(
                "para",
                ctx.pick(
                    r,
                    [
                        f"以上数据由{sw}等系统自动采集统计，并经{ctx.co.short}生产、财务部门联合核定。",
                        f"指标统计口径与改造前保持一致，数据取自{ctx.co.short}的{sw}等系统，并经生产、财务部门复核。",
                    ],
                ),
            )
        )
    if b.get("B") and b.get("inv"):
        payback = _num(b["inv"][0]) / _num(b["B"][0])
        out.append(
            Item(
                "para",
                ctx.pick(
                    r,
                    [
                        f"经测算，该场景每年可为企业新增经济效益约{b['B'][0]}万元，静态投资回收期约{payback:.1f}年。",
                        f"按年度核算，场景实施带来的直接经济效益约为{b['B'][0]}万元/年，投资回收期约{payback:.1f}年。",
                    ],
                ),
            )
        )
    elif b.get("B"):
        out.append(
            Item(
                "para",
                ctx.pick(
                    r,
                    [
                        f"经测算，该场景每年可为企业新增经济效益约{b['B'][0]}万元。",
                        f"按年度核算，场景实施带来的直接经济效益约为{b['B'][0]}万元/年。",
                    ],
                ),
            )
        )
    return out


def value(ctx: Ctx, b: dict[str, list[str]], tpls: list[str]) -> list[Item]:
    r = ctx.rng("value")
    out = [Item("para", "".join(_end(ctx.fill(v)) for v in b.get("V", [])))]
    n = b.get("n", [""])[0]
    if n:
        out.append(
            Item(
                "para",
                ctx.pick(
                    r,
                    [
                        f"目前该模式已在{ctx.co.short}内部{n}复制应用，可为{ctx.co.industry}同类企业提供借鉴。",
                        f"{ctx.co.short}已将这一做法推广至{n}，对{ctx.co.industry}中的同类企业具有参考意义。",
                    ],
                ),
            )
        )
    extra = [TEMPLATE_SENTENCES[t] for t in tpls if t in ("T2", "T3")]
    if extra:
        out.append(Item("para", "".join(extra)))
    return out


def template_choice(spec: Spec) -> list[str]:
    """Which shared template sentences a submission carries (deterministic)."""
    if spec.role not in (None, "original") or spec.off_topic or spec.sid == "s91":
        return []
    r = random.Random(f"{SEED}:tpl:{spec.sid}")
    out = [t for t, p in (("T1", 0.4), ("T2", 0.35), ("T3", 0.35)) if r.random() < p]
    if "SEC001" in spec.weak:
        out = [t for t in out if t != "T2"]
    if spec.kind == "factory" and "SEC001" not in spec.weak and "T2" not in out:
        out.append("T2")
    return out


def render_scenario(
    ctx: Ctx, b: dict[str, list[str]], impl_from: tuple[Ctx, dict] | None = None
) -> list[Item]:
    """Render a 优秀场景 text as items."""
    spec = ctx.spec
    code = spec.true[0] if spec.true else spec.claimed
    scen, link = SCENARIOS[code]
    r = ctx.rng("headings")
    style = spec.heading_style if spec.heading_style is not None else r.randrange(4)
    if spec.fmt == "docx" and style == 1:
        style = 0
    heads = {k: ctx.pick(r, v) for k, v in HEADS.items()}
    tpls = template_choice(spec)
    items: list[Item] = []
    if b.get("title"):
        items.append(Item("heading", ctx.fill(b["title"][0]), 0))
    idx = 0
    if "overview" not in spec.skip:
        idx += 1
        items.append(h1(ctx, idx, heads["overview"], style))
        items.append(Item("para", "".join(overview(ctx, b))))
    if "pain" not in spec.skip:
        idx += 1
        items.append(h1(ctx, idx, heads["pain"], style))
        items.extend(pains(ctx, b, scen, link))
    idx += 1
    items.append(h1(ctx, idx, heads["impl"], style))
    impl_start = len(items)
    ictx, ib = impl_from if impl_from else (ctx, b)
    ir = ictx.rng("impl-heads")
    el = elements(ictx, ib, style, ir)
    if el or ib.get("L"):
        items.append(h2(ctx, idx, 1, ctx.pick(r, SUB_METHOD), style))
    items.extend(methods(ictx, ib))
    if "T1" in tpls:
        items.append(Item("para", TEMPLATE_SENTENCES["T1"]))
    if el:
        items.append(h2(ctx, idx, 2, ctx.pick(r, SUB_ELEM), style))
        items.extend(el)
    if ib.get("L"):
        items.append(h2(ctx, idx, 3 if el else 2, "实施过程与保障措施", style))
        items.extend(Item("para", _end(ictx.fill(x))) for x in ib["L"])
    if impl_from:
        # the copied section carries the source company's name: swap it like a copier does
        for it in items[impl_start:]:
            it.text = it.text.replace(impl_from[0].co.short, ctx.co.short)
    if "result" not in spec.skip:
        idx += 1
        items.append(h1(ctx, idx, heads["result"], style))
        items.extend(results(ctx, b, spec.table and spec.fmt == "docx"))
    if "value" not in spec.skip:
        idx += 1
        items.append(h1(ctx, idx, heads["value"], style))
        items.extend(value(ctx, b, tpls))
    return items


def render_mini(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    """A very short submission (LEN002): every part present, one or two sentences each."""
    scen, link = SCENARIOS[ctx.spec.true[0]]
    items = [Item("heading", "一、企业概况", 1), Item("para", "".join(overview(ctx, b, mini=True)))]
    items += [Item("heading", "二、场景概述", 1), Item("para", "".join(_end(ctx.fill(p)) for p in b["P"]))]
    items += [Item("heading", "三、实施内容", 1), Item("para", "".join(_end(ctx.fill(m)) for m in b["M"]))]
    r = ctx.rng("result")
    items += [
        Item("heading", "四、实施成效", 1),
        Item("para", "；".join(kpi_sentence(k, r, ctx) for k in b["K"]) + "。"),
    ]
    items += [Item("heading", "五、推广价值", 1), Item("para", "".join(_end(ctx.fill(v)) for v in b["V"]))]
    return items


def render_raw(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    """A free-form text (the off-topic news release)."""
    items = [Item("heading", b["title"][0], 0)] if b.get("title") else []
    for x in b["RAW"]:
        if x.startswith("##"):
            items.append(Item("heading", x.lstrip("#").strip(), 1))
        else:
            items.append(Item("para", ctx.fill(x)))
    return items


def render_factory(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    """Render a 示范工厂 text as items."""
    spec = ctx.spec
    task = TASKS[spec.claimed]
    r = ctx.rng("headings")
    style = spec.heading_style if spec.heading_style is not None else r.randrange(4)
    if spec.fmt == "docx" and style == 1:
        style = 0
    heads = {k: ctx.pick(r, v) for k, v in F_HEADS.items()}
    tpls = template_choice(spec)
    items: list[Item] = [Item("heading", f"{ctx.co.full}{task}", 0)]
    items.append(h1(ctx, 1, heads["overview"], style))
    items.append(Item("para", "".join(overview(ctx, b))))
    items.append(h1(ctx, 2, heads["pain"], style))
    links = []
    for code in spec.true:
        lk = SCENARIOS[code][1]
        if lk not in links:
            links.append(lk)
    site = b.get("site", ["生产基地"])[0]
    rp = ctx.rng("pain")
    items.append(
        Item(
            "para",
            ctx.pick(
                rp,
                [
                    f"{ctx.co.short}揭榜“{task}”任务，示范工厂位于{site}，覆盖{'、'.join(links)}等{len(links)}个环节，共建设{len(spec.true)}个典型场景。",
                    f"本次申报的揭榜任务为“{task}”，建设主体为{site}，围绕{'、'.join(links)}等环节部署{len(spec.true)}个智能制造典型场景。",
                ],
            ),
        )
    )
    items.append(Item("para", "".join(_end(ctx.fill(p)) for p in b["P"])))
    y0 = spec.year - rp.randint(2, 4)
    finv = f"{max(1.0, float(ctx.co.revenue) * rp.uniform(0.04, 0.12)):.1f}"
    items.append(
        Item(
            "para",
            ctx.pick(
                rp,
                [
                    f"示范工厂建设自{y0}年{rp.randint(1, 12)}月启动，累计投资{finv}亿元，分{rp.randint(2, 3)}期实施，目前{len(spec.true)}个场景均已投入运行。",
                    f"工厂于{y0}年{rp.randint(1, 12)}月开始智能化建设，先后投入资金{finv}亿元，分{rp.randint(2, 3)}个阶段推进，规划的{len(spec.true)}个场景现已全部建成运行。",
                ],
            ),
        )
    )
    items.append(h1(ctx, 3, heads["impl"], style))
    items.append(h2(ctx, 3, 1, ctx.pick(r, ["典型场景建设", "场景建设情况", "主要场景"]), style))
    xmode = r.randrange(2)
    for i, x in enumerate(b["X"]):
        code, _, txt = x.partition("|")
        name = SCENARIOS["G21-" + code][0]
        lead = f"【{name}】" if xmode == 0 else f"场景{i + 1}：{name}。"
        items.append(Item("para", lead + _end(ctx.fill(txt))))
    net = ctx.pick(r, ["工业以太网和5G专网", "工业光纤环网和无线专网", "5G专网和时间敏感网络试验网"])
    items.append(
        Item(
            "para",
            ctx.pick(
                r,
                [
                    f"在基础设施方面，工厂建成覆盖主要车间的{net}和统一数据平台（{_bare(b['D'][0])}），为各场景之间的数据贯通提供了支撑。",
                    f"各场景依托统一的{net}和工业数据平台运行，平台汇聚{_bare(b['D'][0])}，实现设计、生产、管理和服务数据的贯通。",
                ],
            ),
        )
    )
    if "T1" in tpls:
        items.append(Item("para", TEMPLATE_SENTENCES["T1"]))
    el = elements(ctx, b, style, ctx.rng("impl-heads"))
    items.append(h2(ctx, 3, 2, ctx.pick(r, SUB_ELEM), style))
    items.extend(el)
    sec = [ctx.fill(q) for q in b.get("Q", [])]
    if "T2" in tpls:
        sec.append(TEMPLATE_SENTENCES["T2"])
    if sec:
        items.append(h2(ctx, 3, 3, ctx.pick(r, ["安全可控情况", "安全可控与知识产权"]), style))
        items.append(Item("para", "".join(_end(s) for s in sec)))
    items.append(h1(ctx, 4, heads["result"], style))
    rr = ctx.rng("result")
    if spec.table and spec.fmt == "docx":
        items.append(Item("para", f"{ctx.co.short}示范工厂建设前后主要指标对比如下："))
        items.append(
            Item("table", rows=[["指标", "建设前", "建设后", "变化"]] + [kpi_row(k) for k in b["K"]])
        )
    else:
        sents = [kpi_sentence(k, rr, ctx) for k in b["K"]]
        items.append(Item("para", f"{ctx.co.short}示范工厂建成后，" + "；".join(sents) + "。"))
    gain = f"{rr.randint(12, 95) / 10:.1f}"
    items.append(
        Item(
            "para",
            ctx.pick(
                rr,
                [
                    f"按上述指标测算，示范工厂每年新增经济效益约{gain}亿元，指标数据均来自{_first(b, 'S')}等系统统计。",
                    f"综合测算，示范工厂年直接经济效益约{gain}亿元，相关指标由{_first(b, 'S')}等系统自动采集。",
                ],
            ),
        )
    )
    lvl = b.get("lvl", ["三"])[0]
    items.append(
        Item(
            "para",
            ctx.pick(
                rr,
                [
                    f"经智能制造能力成熟度自评估，{ctx.co.short}示范工厂达到GB/T 39116-2020《智能制造能力成熟度模型》{lvl}级水平。",
                    f"依据GB/T 39116-2020《智能制造能力成熟度模型》开展自评估，{ctx.co.short}示范工厂达到{lvl}级。",
                ],
            ),
        )
    )
    items.append(h1(ctx, 5, heads["value"], style))
    items.append(Item("para", "".join(_end(ctx.fill(v)) for v in b["V"])))
    if "T3" in tpls:
        items.append(Item("para", TEMPLATE_SENTENCES["T3"]))
    return items


# --------------------------------------------------------------------------------------
# Family transforms
# --------------------------------------------------------------------------------------

_WORD_SWAPS = [
    ("实现", "达成"),
    ("部署", "上线"),
    ("构建", "搭建"),
    ("依托", "基于"),
    ("显著", "明显"),
    ("开展", "进行"),
]


def swap_names(items: list[Item], src: Company, dst: Company) -> None:
    for it in items:
        it.text = it.text.replace(src.full, dst.full).replace(src.short, dst.short)
        it.rows = [[c.replace(src.short, dst.short) for c in row] for row in it.rows]


def light_edit(items: list[Item], rng: random.Random) -> None:
    """A few words changed and some figures nudged."""
    n_words = 0
    for it in items:
        if it.kind != "para":
            continue
        for old, new in _WORD_SWAPS:
            if old in it.text and n_words < 6 and rng.random() < 0.5:
                it.text = it.text.replace(old, new, 1)
                n_words += 1

    def nudge(m: re.Match[str]) -> str:
        s = m.group(0)
        if rng.random() < 0.35 and "." in s:
            d = len(s.split(".")[1])
            v = float(s) * (1 + rng.choice([-0.08, -0.05, 0.05, 0.08]))
            return f"{v:.{d}f}"
        return s

    def nudge_clause(c: re.Match[str]) -> str:
        # figures of a result statement stay as they are: nudging one side of "由95.2%提高到98.6%，
        # 提高3.4个百分点" would plant a contradiction in a text that is meant to be clean
        if _RESULT_CLAUSE.search(c.group(0)):
            return c.group(0)
        return re.sub(r"\d+\.\d+", nudge, c.group(0))

    for it in items:
        if it.kind == "para" and ("由" in it.text or "提升" in it.text):
            it.text = re.sub(r"[^，。；]+", nudge_clause, it.text)


_RESULT_CLAUSE = re.compile(r"由|从|%|百分点|倍|降|升|提高|提升|缩短|减少|增加|增长|节约|节省")


_HALF = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})
_HOMO = {"A": "\u0410", "C": "\u0421", "P": "\u0420", "O": "\u041e", "E": "\u0415", "o": "\u043e"}


def trick_edit(items: list[Item], rng: random.Random) -> None:
    """Evasion tricks: half-width punctuation, inserted spaces, homoglyphs, full-width digits."""
    for i, it in enumerate(items):
        if it.kind != "para":
            continue
        t = it.text
        if i % 2 == 0:
            t = t.translate(_HALF)
        # homoglyphs in Latin abbreviations (APC -> АРС with Cyrillic letters)
        t = re.sub(r"[A-Z]{2,}", lambda m: "".join(_HOMO.get(ch, ch) for ch in m.group(0)), t)
        # inserted spaces (ordinary, ideographic and zero-width) inside some Chinese runs
        chars = list(t)
        out = []
        for j, ch in enumerate(chars):
            out.append(ch)
            if "\u4e00" <= ch <= "\u9fff" and j % 17 == 5:
                out.append(rng.choice([" ", "\u3000", "\u200b"]))
        t = "".join(out)
        if i % 3 == 1:
            t = re.sub(r"\d", lambda m: chr(ord(m.group(0)) + 0xFEE0), t)
        it.text = t


def shift_years(items: list[Item], years: int) -> None:
    """Move a text to a later round: project dates and the revenue year shift by ``years``."""

    def sub(m: re.Match[str]) -> str:
        return f"{int(m.group(1)) + years}年{m.group(2)}"

    for it in items:
        it.text = re.sub(r"(20[12]\d)年(\d{1,2}月|实现营业收入|底)", sub, it.text)


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def to_text(items: list[Item], fmt: str, indent: bool = False) -> str:
    """Plain-text rendering (.txt/.md and the 正文 of xlsx rows)."""
    lines: list[str] = []
    for it in items:
        if it.kind == "heading":
            if fmt == "md":
                lines.append("#" * (it.level + 1) + " " + it.text)
                lines.append("")
            else:
                lines.append(it.text)
        elif it.kind == "para":
            lines.append(("\u3000\u3000" if indent else "") + it.text)
            if fmt == "md":
                lines.append("")
        else:
            if fmt == "md":
                lines.append("| " + " | ".join(it.rows[0]) + " |")
                lines.append("|" + "---|" * len(it.rows[0]))
                lines.extend("| " + " | ".join(r) + " |" for r in it.rows[1:])
                lines.append("")
            else:
                lines.extend("\t".join(r) for r in it.rows)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


FIXED_TIME = datetime(2021, 11, 15, 9, 0, 0)


def write_docx(items: list[Item], path: Path) -> None:
    import docx  # python-docx

    d = docx.Document()
    cp = d.core_properties
    cp.author = "scenario-kb demo generator"
    cp.last_modified_by = "scenario-kb demo generator"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.revision = 1
    for it in items:
        if it.kind == "heading":
            d.add_heading(it.text, level=it.level)
        elif it.kind == "para":
            d.add_paragraph(it.text)
        else:
            t = d.add_table(rows=len(it.rows), cols=len(it.rows[0]))
            t.style = "Table Grid"
            for i, row in enumerate(it.rows):
                for j, cell in enumerate(row):
                    t.cell(i, j).text = cell
    cp.title = items[0].text if items and items[0].level == 0 else ""
    d.save(str(path))


def extract_docx(path: Path) -> str:
    """Text of a .docx: paragraphs and table rows (cells joined by tabs) in body order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    lines = []
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, d).text)
        elif tag == "tbl":
            for row in Table(block, d).rows:
                lines.append("\t".join(c.text for c in row.cells))
    return "\n".join(lines) + "\n"


XLSX_COLUMNS = ["标题", "申报单位", "地区", "地区类型", "行业", "类型", "申报场景/揭榜任务", "年度", "正文"]
META_COLUMNS = ["file", "标题", "申报单位", "地区", "地区类型", "行业", "类型", "申报场景/揭榜任务", "年度"]


def extract_xlsx(path: Path) -> list[dict[str, str]]:
    """Rows of the batch workbook as dicts keyed by header."""
    import openpyxl

    wb = openpyxl.load_workbook(str(path), read_only=True)
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    head = [str(h) for h in rows[0]]
    return [{h: ("" if v is None else str(v)) for h, v in zip(head, r, strict=False)} for r in rows[1:]]


@dataclass
class Built:
    spec: Spec
    company: Company
    title: str
    text: str
    items: list[Item]
    file: str = ""
    encoding: str | None = None


def _title(spec: Spec, b: dict[str, list[str]], co: Company) -> str:
    if spec.kind == "factory":
        return f"{co.full}{TASKS[spec.claimed]}"
    if b.get("title"):
        return b["title"][0].replace("{co}", co.short)
    return f"{co.short}{SCENARIOS[spec.claimed][0]}场景"


def build_items(spec: Spec, blocks: dict[str, dict[str, list[str]]]) -> tuple[list[Item], str]:
    """Render one submission.

    Args:
        spec: the submission.
        blocks: parsed content blocks.

    Returns:
        The rendered items and the title.
    """
    co = COMPANIES[spec.company]
    b = blocks[spec.block]
    if spec.role in ("verbatim", "paraphrase", "light_edit"):
        src = next(s for s in SPECS if s.sid == spec.source)
        # render with the source's choices; a verbatim copy keeps the source's company
        # facts (only the names are swapped), the others bring their own company facts
        facts = COMPANIES[src.company] if spec.role == "verbatim" else co
        cspec = Spec(**{**src.__dict__, "fmt": spec.fmt, "table": False})
        ctx = Ctx(cspec, facts, flip=spec.role == "paraphrase", seed_id=src.sid)
        items = render_scenario(ctx, b)
        swap_names(items, facts, co)
        swap_names(items, COMPANIES[src.company], co)
        if spec.role == "light_edit":
            r = random.Random(f"{SEED}:edit:{spec.sid}")
            (trick_edit if spec.sid == "c02b" else light_edit)(items, r)
            if spec.year != src.year:
                shift_years(items, spec.year - src.year)
        return items, _title(spec, b, co)
    ctx = Ctx(spec, co)
    if spec.kind == "factory":
        return render_factory(ctx, b), _title(spec, b, co)
    if b.get("RAW"):
        return render_raw(ctx, b), b["title"][0]
    if spec.sid == "s91":
        return render_mini(ctx, b), _title(spec, b, co)
    if spec.role == "section_copy":
        src = next(s for s in SPECS if s.sid == spec.source)
        sctx = Ctx(src, COMPANIES[src.company])
        return render_scenario(ctx, b, impl_from=(sctx, blocks[src.block])), _title(spec, b, co)
    return render_scenario(ctx, b), _title(spec, b, co)


def _filename(spec: Spec, co: Company, n: int) -> str:
    ext = {"docx": ".docx", "txt-gbk": ".txt", "txt": ".txt", "md": ".md"}[spec.fmt]
    kind = "示范工厂" if spec.kind == "factory" else "优秀场景"
    return f"{spec.year}_{n:03d}_{kind}_{co.short}{ext}"


def build(out: Path) -> list[dict]:
    """Generate the corpus into ``out`` and return the manifest.

    Args:
        out: target directory (created; existing generated files are overwritten).

    Returns:
        The manifest as a list of dicts (also written to ``out/manifest.json``).
    """
    import openpyxl

    blocks = parse_blocks("\n".join(CONTENT))
    sub = out / "submissions"
    bat = out / "batch"
    sub.mkdir(parents=True, exist_ok=True)
    bat.mkdir(parents=True, exist_ok=True)
    built: list[Built] = []
    n = 0
    for spec in SPECS:
        items, title = build_items(spec, blocks)
        co = COMPANIES[spec.company]
        indent = spec.fmt == "txt-gbk" and random.Random(f"{SEED}:ind:{spec.sid}").random() < 0.5
        text = to_text(items, "md" if spec.fmt == "md" else "txt", indent=indent)
        bb = Built(spec, co, title, text, items)
        if spec.fmt != "xlsx":
            n += 1
            bb.file = "submissions/" + _filename(spec, co, n)
            p = out / bb.file
            if spec.fmt == "docx":
                write_docx(items, p)
                bb.encoding = None
            elif spec.fmt == "txt-gbk":
                p.write_bytes(text.encode("gbk"))
                bb.encoding = "gbk"
            else:
                p.write_bytes(text.encode("utf-8"))
                bb.encoding = "utf-8"
        built.append(bb)

    # batch workbook (2022 platform export): one row per submission
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报汇总"
    ws.append(XLSX_COLUMNS)
    row = 1
    for bb in built:
        if bb.spec.fmt != "xlsx":
            continue
        row += 1
        ws.append(_meta(bb)[1:] + [to_text(bb.items, "txt").rstrip("\n")])
        bb.file = f"batch/demo_batch_2022.xlsx#row={row}"
        bb.text = to_text(bb.items, "txt").rstrip("\n")
    wb.properties.creator = "scenario-kb demo generator"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(str(bat / "demo_batch_2022.xlsx"))

    # metadata of the loose files
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(META_COLUMNS)
    for bb in built:
        if bb.spec.fmt != "xlsx":
            m = _meta(bb)
            m[0] = bb.file.split("/", 1)[1]
            w.writerow(m)
    (sub / "_metadata.csv").write_bytes(buf.getvalue().encode("utf-8"))

    by_sid = {bb.spec.sid: bb for bb in built}
    manifest = [_manifest_entry(bb, by_sid) for bb in built]
    (out / "manifest.json").write_bytes(
        (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    )
    (out / "_template_sentences.txt").write_bytes(
        ("\n".join(TEMPLATE_SENTENCES.values()) + "\n").encode("utf-8")
    )
    (out / "README.md").write_bytes(readme(manifest).encode("utf-8"))
    return manifest


def _meta(bb: Built) -> list:
    s, co = bb.spec, bb.company
    kind = "示范工厂" if s.kind == "factory" else "优秀场景"
    claimed = TASKS[s.claimed] if s.kind == "factory" else SCENARIOS[s.claimed][0]
    return [bb.file, bb.title, co.full, co.region, co.region_type, co.industry, kind, claimed, s.year]


def _manifest_entry(bb: Built, by_sid: dict[str, Built]) -> dict:
    s, co = bb.spec, bb.company
    claimed = TASKS[s.claimed] if s.kind == "factory" else SCENARIOS[s.claimed][0]
    true_scen = s.true if s.kind == "scenario" else s.true
    fam_src = by_sid[s.source].file if s.source else None
    return {
        "file": bb.file,
        "title": bb.title,
        "applicant": co.full,
        "kind": s.kind,
        "kind_zh": "示范工厂" if s.kind == "factory" else "优秀场景",
        "region": co.region,
        "region_type": co.region_type,
        "industry": co.industry,
        "year": s.year,
        "claimed": claimed,
        "claimed_code": s.claimed,
        "true_scenarios": true_scen,
        "true_link": SCENARIOS[true_scen[0]][1] if true_scen else None,
        "true_task": s.claimed if s.kind == "factory" else None,
        "family": s.family,
        "family_role": s.role,
        "family_source": fam_src,
        "weak": s.weak,
        "off_topic": s.off_topic,
        "misclaimed": s.misclaimed,
        "format": "xlsx" if s.fmt == "xlsx" else s.fmt.split("-")[0],
        "encoding": bb.encoding,
        "templates": [t for t, v in TEMPLATE_SENTENCES.items() if v in bb.text],
        "zishu": count_zishu(bb.text),
    }


def plain_text(out: Path, entry: dict) -> str:
    """The text of a manifest entry as stored (decoded file, docx text, or xlsx 正文).

    Args:
        out: the corpus directory.
        entry: a manifest entry.

    Returns:
        The submission text.
    """
    f = entry["file"]
    if "#row=" in f:
        path, _, r = f.partition("#row=")
        rows = extract_xlsx(out / path)
        return rows[int(r) - 2]["正文"]
    p = out / f
    if p.suffix == ".docx":
        return extract_docx(p)
    return p.read_bytes().decode(entry["encoding"])


# --------------------------------------------------------------------------------------
# Hand-written content (one block per submission; all companies and figures invented)
# --------------------------------------------------------------------------------------

CONTENT: list[str] = []

CONTENT.append(
    r"""
@s01
title: 煤基精细化学品新建装置工厂数字化设计与数字化交付
site: 30万吨/年煤基精细化学品新建项目
start: 2019年4月
go: 2021年3月
inv: 4650
G: “十四五”时期，新一轮科技革命和产业变革深入发展，新一代信息技术与制造业深度融合，数字产业化和产业数字化进程加快，新产业新业态新模式不断涌现。智能制造已经由理念普及、试点示范进入深入应用、全面推广的新阶段，已经成为推动制造业高质量发展的强劲动力。面对不断升级的智能制造发展需求，有必要以典型场景为基本要素，推动从企业层面到制造环节的智能化改造，通过揭榜挂帅等方式，探索智能制造最佳实践的标准化、模块化、精准化的推广路径，提升产业链供应链韧性和区域制造业水平，实现智能制造由点及线、由线到面系统发展。
G: 申报主体的智能制造水平应处于国内领先或国际先进地位，具有较强的示范引领作用，使用的关键技术装备、工业软件须安全可控，解决方案须无知识产权纠纷。场景描述应重点突出、言简意赅、逻辑严密，能从实施方法、实施要素等方面提供借鉴，引导创新，具有较强的可读性。
P: 传统设计模式下，工艺、设备、管道、电气、仪表等专业分别出图，二维图纸之间的碰撞和错漏要到施工阶段才暴露，单个装置的设计变更单曾超过600份
P: 设计院、EPC总包和业主之间以纸质图纸和Excel清单交接资料，位号、材料和设备参数多处重复录入，交付后的工程数据完整率不足六成
P: 工厂投运后，运维人员难以快速找到设备的原始设计参数和供应商资料，检修准备时间长
M: 建立统一的工厂对象编码体系，依据工厂数字化交付相关国家标准，对装置、单元、设备、管线、仪表回路等18类对象制定分类与属性模板，作为设计、采购、施工和运维共用的数据字典
M: 采用三维协同设计平台开展工艺、配管、结构、电仪多专业并行设计，每周进行一次全模型碰撞检查，设计问题在模型中闭环处理，累计在设计阶段消除碰撞点4300余处
M: 以智能P&ID为源头，将位号、工艺参数和设备规格自动关联到三维模型和材料清单，做到“一处修改、处处更新”，并通过数字化交付平台向业主移交模型、文档和数据三类成果
M: 投运前，将交付数据与DCS、EAM系统的设备台账自动对接，生成覆盖2.6万个位号的工厂数字档案，检修人员可按位号直接调取图纸、规格书和供应商手册
T: 基于统一对象编码的多专业三维协同设计、智能P&ID与模型数据关联、数字化交付数据校验
E: 图形工作站48台、三维激光扫描仪2台、现场移动巡检终端120套
S: 国产三维工厂设计软件、智能P&ID软件、数字化交付平台、EAM系统
D: 工厂对象库18类共计31万条属性数据、设计文档5.4万份、供应商资料1.2万份
R: 组建由设计院、总包和业主三方组成的42人数字化交付团队，设数据经理1名、各专业数据工程师12名
K: 设计变更单数量|份|612|178
K: 设计周期|个月|16|12.5
K: 交付数据完整率|%|58|97.5
K: 检修准备时间|小时|6|1.5
B: 2300
V: 该场景形成了从编码规则、设计协同到数字化交付、运维衔接的一套完整做法，适用于石化、煤化工等流程行业新建和改扩建项目
V: 统一对象编码和交付数据校验规则已被集团内其他在建项目直接采用，也为后续建设数字孪生工厂准备了数据基础
n: 集团内另外3个在建项目

@s02a
title: 焊装车间数字孪生工厂建设
site: 柳东基地焊装车间（2条主焊线、426台焊接机器人）
start: 2020年1月
go: 2020年12月
inv: 3280
P: 焊装车间机器人密度高、节拍短，设备状态分散在各PLC和机器人控制柜中，管理人员只能依靠巡检和报表了解产线运行，异常发现滞后
P: 新车型导入时需停线进行机器人轨迹调试和节拍验证，每次导入平均停线9天，影响当期产量
P: 产线改造方案主要依靠工程师经验评估，缺少对节拍、物流和人员负荷的定量仿真，方案返工多
M: 按照“几何—物理—行为—规则”四个层次构建焊装车间数字孪生体，利用三维激光扫描点云与原始设计模型比对修正，车间模型与实物的几何偏差控制在5毫米以内
M: 通过OPC UA网关采集426台机器人、62套焊接控制器和全部输送线PLC的状态数据，采样周期100毫秒，孪生模型与物理产线同步刷新，设备报警在三维场景中自动定位
M: 新车型导入前，在孪生环境中完成机器人离线编程、干涉检查和节拍仿真，再将验证后的程序下发到现场，现场只做少量点位微调
M: 将孪生模型与MES生产数据打通，对缓存区容量、AGV数量和班组配置进行多方案仿真对比，用仿真结果支撑产线改造决策
T: 数字孪生建模、机器人离线编程与虚拟调试、离散事件仿真、OPC UA实时数据集成
E: 焊接机器人426台、三维激光扫描仪1台、边缘计算服务器8台、工业交换机环网
S: 数字孪生平台、机器人离线编程软件、产线仿真软件、MES
D: 设备实时数据约1.8万个点位，日新增数据量约40GB，历史节拍与故障数据三年
R: 由工艺、自动化和IT人员组成的16人孪生运营小组，其中仿真工程师5名
K: 新车型导入停线时间|天|9|2.5
K: 焊装线设备综合效率（OEE）|%|78.4|86.1
K: 设备异常平均响应时间|分钟|25|8
K: 产线改造方案返工次数|次/项目|4.2|1.1
B: 1860
V: 焊装车间数字孪生的分层建模方法和数据接入规范可直接用于冲压、涂装、总装等车间
V: 在机器人密集的汽车及零部件焊接产线上，离线编程加虚拟调试的组合能把新品导入停线压缩到原来的三成以下，可复制性强
n: 发动机缸体加工车间和电池包装配车间

@s03
title: 基于模型的工程机械产品数字化研发与设计
site: 泵送机械研究院及旋挖钻机研究所
start: 2019年7月
go: 2021年1月
inv: 2860
P: 产品设计以二维图纸为主，三维模型只用于展示，图纸和模型不一致的情况较常见，下游工艺和制造仍以图纸为准
P: 臂架、转台等关键结构件的强度和疲劳验证主要依赖物理样机试验，一款新臂架从设计到定型需要制造2到3台样机
P: 产品配置多、订单定制比例高，设计变更依靠邮件和纸质流转，变更影响范围难以评估
M: 推行基于模型的定义（MBD），将尺寸公差、焊接符号和技术要求直接标注在三维模型上，建立覆盖泵送、旋挖两大产品线的标准件库和参数化模板库，模板数量达到1260个
M: 建立“需求—功能—逻辑—物理”的系统工程研发流程，用模块化平台管理臂架、底盘、液压系统等12个模块，新品开发以模块组合和变型设计为主
M: 构建多学科仿真体系，对臂架结构开展有限元强度、多体动力学和疲劳寿命仿真，仿真模型通过应变测试数据校准，误差控制在8%以内
M: 以PLM系统统一管理模型、BOM和变更，设计变更按影响分析结果自动推送到工艺、采购和生产部门，EBOM到MBOM的转换由系统规则完成
T: MBD三维标注、模块化产品平台、多学科联合仿真、基于PLM的变更影响分析
E: 高性能计算集群（768核）、应变数据采集系统、三维扫描仪
S: 三维CAD、有限元分析软件、多体动力学软件、PLM系统
D: 标准件与模板库1260个、历史样机试验数据4.7万组、产品配置规则3800余条
R: 研发人员280人参与，其中仿真工程师36名，建立MBD内训讲师队伍12人
K: 新产品研发周期|个月|18|11
K: 物理样机数量|台/型号|2.6|1.2
K: 设计变更处理周期|天|7|2
K: 设计图纸差错率|%|3.2|0.9
B: 3150
V: 模块化平台加仿真驱动的研发模式，适合多品种、小批量、定制化程度高的工程机械和专用装备企业
V: 参数化模板和仿真校准规范已沉淀为企业标准，可整体输出给配套企业使用
n: 起重机和桩工机械两个事业部

@s04
title: 城轨车辆网络控制系统虚拟试验与调试
site: 城轨车辆研发中心及总装调试车间
start: 2019年10月
go: 2020年11月
inv: 1980
P: 车辆网络控制和牵引制动系统的联调必须等整车落成后才能开展，调试周期占整车制造周期的三分之一
P: 不同城市线路的运营需求差异大，控制软件频繁修改，现场调试中发现的逻辑错误往往需要返回研发重新验证
P: 部分故障工况如紧急制动、网压突变无法在车间安全复现，只能在线路试验中验证，风险和成本都较高
M: 搭建基于硬件在环（HIL）的整车虚拟试验台，用实时仿真模型代替牵引、制动、车门、空调等子系统，真实的车辆控制单元接入试验台运行
M: 将线路坡道、曲线、限速和供电参数导入仿真环境，建立涵盖正常运营、降级运行和故障处置的试验用例库，用例总数达到2100条，自动执行并生成报告
M: 控制软件每次修改后在虚拟试验台上进行回归测试，通过后才允许下载到实车，现场调试改为以验证接口和参数为主
M: 对紧急制动、网压突变等高风险工况在虚拟环境中反复试验，并与历史线路试验数据比对校核模型精度
T: 硬件在环实时仿真、车辆动力学建模、自动化测试用例管理
E: 实时仿真机6套、信号调理与故障注入设备、车辆控制单元测试台架
S: 实时仿真软件、建模仿真工具、测试管理系统、需求管理系统
D: 线路数据27条、历史线路试验数据约3.6TB、试验用例2100条
R: 成立虚拟试验室，配备仿真与测试工程师22人，与调试车间实行双周联审
K: 单列车静态调试周期|天|21|12
K: 软件缺陷现场发现比例|%|46|12
K: 线路试验里程|公里/列|1800|950
K: 调试返工次数|次/列|5.4|1.6
B: 1420
V: 以硬件在环为核心的虚拟试验方法，可推广到动车组、机车以及工程车辆的控制系统开发
V: 用例库和模型已按车型平台化管理，新项目复用率超过70%
n: 市域动车组和有轨电车两条产品线

@s05
title: 航空结构件三维数字化工艺设计
site: 数控加工中心和部件装配车间
start: 2019年3月
go: 2020年9月
inv: 1650
P: 航空结构件型面复杂、材料去除量大，工艺规程以二维卡片为主，工艺员编一份框类零件规程平均需要5个工作日
P: 数控程序在机床上试切验证，钛合金零件试切一次的材料和刀具损耗较大，首件合格率不高
P: 工艺知识分散在老工艺员手中，典型特征的加工参数没有系统积累，新人培养周期长
M: 建立基于三维模型的结构化工艺设计平台，工艺路线、工序模型、工步参数和检验要求都以结构化数据存储，工艺卡片由系统自动生成并下发到车间终端
M: 按框、梁、肋、接头等典型零件建立特征识别规则和工艺模板库，系统识别零件特征后自动推荐工艺路线和刀具切削参数，工艺员在此基础上修订
M: 所有数控程序先在虚拟机床环境中进行刀轨仿真和过切、碰撞检查，结合切削力仿真优化进给速度，再下发到五轴机床
M: 打通PLM—CAPP—MES数据链，设计更改后系统自动提示受影响的工序和程序，工艺版本与现场执行版本保持一致
T: 三维工序模型、基于特征的工艺推理、数控加工仿真与切削参数优化
E: 五轴龙门加工中心14台、卧式加工中心22台、在机测量系统
S: 三维CAPP系统、CAM软件、数控仿真软件、MES
D: 工艺模板326套、刀具切削参数库1.1万条、典型零件工艺案例800余份
R: 工艺员58人全员转为三维工艺设计，设工艺知识工程师4名负责模板维护
K: 单件工艺设计周期|天|5|1.5
K: 数控程序首件合格率|%|82|97.3
K: 钛合金零件加工周期|小时|46|34
K: 工艺文件差错率|%|2.8|0.4
B: 960
V: 基于特征的工艺模板和仿真验证流程适用于航空航天、精密模具等多品种小批量机加工企业
V: 工艺知识库让经验从个人转为企业资产，新工艺员上岗培训时间由一年左右缩短到4个月
n: 复合材料零件车间

@s06
title: 优特钢全流程一体化生产计划优化
site: 炼钢、连铸、棒线材轧制全流程
start: 2020年2月
go: 2021年2月
inv: 2420
P: 订单规格多达2300余种，小批量订单比例超过40%，计划员依靠经验将订单组成炉次和轧制单元，计划编制一次要6到8小时
P: 炼钢、连铸、轧钢各工序分别编计划，工序之间的衔接靠电话协调，连铸坯等待时间长，热送率不高
P: 交货期承诺缺少依据，订单交付延误时有发生，客户投诉集中在交期
M: 建立订单—炉次—浇次—轧制单元的一体化计划模型，把钢种成分兼容、断面规格、交货期和设备检修等约束纳入统一优化
M: 采用混合整数规划与启发式算法相结合的求解方式，分两层编制月度产能平衡计划和日计划，日计划编制时间控制在30分钟以内
M: 计划与MES、ERP实时交互，订单评审时由系统根据剩余产能和工序负荷给出可承诺交期，替代人工估算
M: 计划执行中出现设备故障或质量改判时，系统在10分钟内给出重排方案，计划员确认后下发各工序
T: 多工序一体化计划建模、混合整数规划与启发式求解、可承诺交期计算
E: 计划优化服务器集群、现场工序数据采集终端
S: 生产计划优化系统、MES、ERP
D: 三年订单数据约18万条、工艺路径规则2600条、设备产能与检修数据
R: 组建计划优化项目组，计划员9人与算法工程师6人共同维护规则
K: 日计划编制时间|小时|7|0.5
K: 连铸坯热送率|%|52|74
K: 订单按期交付率|%|86.5|96.8
K: 在制品库存|万吨|6.4|4.1
B: 5200
V: 一体化计划模型可以迁移到多钢种、多规格的特钢和棒线材企业
V: 约束规则和求解参数已做成可配置项，新产线接入只需维护规则，不必修改程序
n: 中厚板分厂

@s07a
title: 磁性元器件车间高级计划与智能排产
site: 松山湖工厂绕线、成型、测试三个车间
start: 2020年3月
go: 2020年12月
inv: 760
P: 产品型号超过3500个，订单平均批量小且插单频繁，排产员每天要花4个多小时手工排程
P: 绕线机、成型机的换型时间长短与前后型号强相关，人工排程很难兼顾换型和交期，设备有效产出受影响
P: 排产结果与物料齐套情况脱节，经常出现排上计划但物料未到而临时调整的情况
M: 梳理3500多个型号的工艺路线、标准工时和设备能力，建立换型矩阵，把不同型号之间的换型时间量化为可计算的数据
M: 部署APS系统，以交期优先、换型最少和设备负荷均衡为目标，采用遗传算法生成车间日排程和班次排程，排程结果精确到每台设备的每道工序
M: 排产前由系统自动校验物料齐套，只有齐套订单才进入排程池，缺料订单自动生成催料清单推送给采购
M: APS与MES双向集成，工单开工、完工和设备停机信息实时回传，出现插单或异常时系统执行滚动重排
T: 基于遗传算法的有限产能排程、换型矩阵建模、物料齐套校验
E: 全自动绕线机212台、成型机86台、车间电子看板40块
S: APS系统、MES、ERP、SRM
D: 工艺路线3500余条、换型矩阵约1.2万个数据对、设备实时状态数据
R: 计划部排产员由7人调整为3人，另设APS运维工程师2名
K: 日排程编制时间|小时|4.5|0.3
K: 设备换型时间占比|%|14.6|8.2
K: 订单准时交付率|%|88|97.5
K: 插单响应时间|小时|8|1
B: 1260
V: 换型矩阵加物料齐套校验的排产方法，适合型号多、批量小、换型频繁的电子元器件企业
V: APS的建模模板和约束规则可快速迁移到同类车间
n: 惠州分厂

@s07b
title: 车规级功率模块封装车间智能排产
site: 双流基地功率模块封装车间
go: 2021年4月
P: 功率模块封装工序包括贴片、回流焊、键合、灌封和测试，各工序设备能力不一，瓶颈工序随产品组合变化而转移
P: 车规客户要求按批次交付并提前锁定产能，计划员依靠Excel排程，难以评估插单对已承诺订单的影响
P: 在制品在键合和测试之间大量堆积，生产周期波动大
K: 平均生产周期|天|11|6.5
K: 订单准时交付率|%|84|95
K: 在制品数量|万只|3.6|2.1
K: 瓶颈设备利用率|%|71|86
B: 830
V: 项目实践表明，以齐套为前提的有限产能排程同样适用于车规级功率器件封装这类多工序、长流程的生产组织
V: 下一阶段计划把排程范围扩展到前道晶圆采购和后道老化测试
n: 工控板卡车间

@s07c
title: 丝绸织造车间智能排产
site: 织造车间（剑杆织机和喷水织机共468台）
start: 2020年5月
go: 2021年1月
inv: 540
P: 每张订单花型、经密、纬密各不相同，织机上轴、了机时间难以预估，排产员按经验安排，经常出现织机等轴或待单停台
P: 准备车间的整经、浆纱计划与织造计划分别编制，经轴供应跟不上织造需求
P: 客户询问交期时，业务员只能估计，交期偏差大
M: 对468台织机按机型、筘幅和可织品种分组建模，并根据历史数据测算各品种在不同机台上的织造效率
M: 以织机了机预测为驱动，将整经、浆纱、穿综与织造计划联动编排，经轴准备完成时间与织机了机时间匹配
M: 引入约束规划求解器进行日排产，目标为织机停台时间最少和交期偏差最小，计划员可对结果进行拖拽调整
M: 通过织机联网采集实时转速、停台和产量数据，计划每两小时根据实际进度自动校正
T: 织机了机预测、准备与织造联动排产、约束规划求解
E: 剑杆织机312台、喷水织机156台加装联网采集模块、整经机6台
S: 智能排产系统、织造MES、ERP
D: 品种工艺数据4200余个、织机实时运行数据、五年订单交付记录
R: 设立计划中心，排产员4人，织造车间配备数据统计员2人
K: 织机待单停台率|%|7.8|2.1
K: 织机效率|%|84.5|91.2
K: 交期偏差|天|6.5|1.8
K: 排产编制时间|小时|3|0.5
B: 690
V: 以了机预测带动准备工序的排产方式，对丝绸、棉纺织、家纺等织造企业都有参考价值
V: 系统采用配置化建模，新增机型只需录入机台参数即可纳入排产
n: 家纺面料分厂

@s08
title: 船体分段建造资源动态配置
site: 分段制造车间与总组平台
start: 2020年4月
go: 2021年4月
inv: 2150
P: 分段建造高度依赖平台场地、龙门吊和焊工队伍，资源计划按月编制，周内变化只能现场协调，吊车冲突和场地闲置并存
P: 各作业区作业队伍固定，忙闲不均，外协人员调配靠电话和微信群
P: 分段完工延误会沿搭载计划层层传递，影响船坞周期
M: 建立场地、吊车、工装和人员四类资源的数字化台账，为1.8万平方米平台划分412个场地单元，每个单元实时显示占用状态
M: 基于分段工作包的工时定额和前后道关系，利用资源约束项目调度算法编制周计划和日计划，场地和吊车按时间窗口自动分配
M: 作业人员通过定位工卡和移动终端报工，系统根据各作业区的剩余工作量和人员技能等级给出次日人员调配建议
M: 当出现分段延误或设备故障时，系统以搭载节点为约束重新配置资源，并评估对后续分段的影响
T: 资源约束项目调度、场地单元数字化建模、人员技能画像
E: 龙门吊9台位置与载荷监测终端、UWB定位基站86个、定位工卡1500张
S: 资源动态配置系统、船舶MES、三维场地可视化平台
D: 分段工作包数据、工时定额库、吊车与场地占用历史记录
R: 生产管理部设资源调度员6人，各作业区班长使用移动端参与调度
K: 平台场地利用率|%|63|81
K: 龙门吊有效作业率|%|58|72
K: 分段建造周期|天|38|29
K: 分段完工准时率|%|74|93
B: 2760
V: 面向项目制离散制造的资源动态配置方法，适合船舶、海工、钢结构和大型装备总装企业
V: 场地单元划分和技能画像的做法已在集团内的修船基地复制
n: 修船基地

@s09a
title: 底盘结构件焊接产线柔性配置
site: 焊接二车间
start: 2020年6月
go: 2021年5月
inv: 2680
P: 副车架和控制臂品种多，主机厂车型换代快，原有专机焊接线每条只能生产1到2个品种，新品需要新建产线
P: 工装夹具切换依靠人工，一次换型需要3个多小时
P: 小批量车型订单排不满产线，设备利用率低，大批量车型又产能紧张
M: 将原有6条专用焊接线改造为由18个标准化机器人焊接单元组成的柔性焊接岛，各单元之间由AGV和辊道连接
M: 设计零点定位快换夹具系统，夹具底板统一接口，配合RFID识别，换型时机器人自动调用对应程序
M: 引入产线配置仿真，根据订单组合计算最优单元组合和节拍，每周动态调整单元分配方案
M: 焊缝质量由激光焊缝跟踪和在线电流电压监测共同保障，不合格件在单元内即被拦截
T: 模块化焊接单元、零点快换夹具、产线配置仿真、焊缝在线监测
E: 弧焊机器人54台、变位机36台、AGV12台、激光焊缝跟踪传感器18套
S: 产线仿真软件、MES、机器人离线编程软件
D: 夹具与程序对应关系库、焊接参数数据、订单组合历史数据
R: 产线工艺团队11人，焊接机器人操作和维护人员经培训考核后持证上岗
K: 单次换型时间|分钟|200|25
K: 可共线生产品种数|个|2|14
K: 设备利用率|%|62|83
K: 人均产出|件/班|96|142
B: 1580
V: 标准化单元加快换夹具的组合方式，让产线可以随订单重组，适合多车型供货的汽车零部件企业
V: 单元和夹具接口已形成企业标准，新建同类产线的投资可减少约四分之一
n: 铝合金转向节车间

@s09b
title: 燃气热水器总装产线柔性配置
site: 顺德工厂总装车间4条总装线
start: 2021年3月
go: 2021年10月
inv: 1240
P: 热水器型号超过800个，电商渠道订单碎片化，单批次平均不到200台，频繁切换导致总装线停线等待
P: 不同型号的装配工序数量差别较大，产线平衡率低
P: 物料配送与换线节奏不匹配，线边物料堆放混乱
M: 将4条刚性流水线改造为模块化总装线，按燃烧器装配、水路装配、电控装配和整机测试划分工段，工段可按型号组合增减工位
M: 使用电子作业指导书和工位扫码，换型时工位屏幕自动切换作业内容，智能拧紧枪自动调用扭矩程序
M: 基于线平衡算法按批次计算工位配置和人员分配，换线前由系统推送调整方案，工段长按方案调整
M: 物流按批次齐套配送，换线前30分钟将下一批物料送到线边的缓存货架
T: 模块化产线设计、线平衡优化、电子作业指导与防错
E: 智能拧紧枪96把、工位终端120台、燃烧性能自动测试台16套
S: MES、线平衡优化工具、电子作业指导系统
D: 800余个型号的工艺BOM和工时数据、工位节拍采集数据
R: 工业工程师8人负责产线配置，班组长全部接受换线标准作业培训
K: 换线时间|分钟|45|12
K: 产线平衡率|%|72|89
K: 小批量订单交付周期|天|7|3
K: 装配一次合格率|%|96.3|99.1
B: 980
V: 通过模块化工段和线平衡工具应对小批量订单的做法，对家电、卫浴等消费品装配企业适用
n: 壁挂炉总装车间
"""
)

CONTENT.append(
    r"""
@s10
title: 铝电解槽况感知与工艺动态优化
site: 500kA电解系列（电解槽288台）
start: 2020年1月
go: 2020年11月
inv: 2960
P: 电解槽工艺参数主要依靠槽控机固定策略和工艺员经验调整，槽况差异大的槽子难以及时识别，效应系数偏高
P: 电解质温度、分子比、铝水平等关键参数靠人工测量，每天只测一次，调整滞后
P: 吨铝直流电耗长期在13200千瓦时以上，电力成本占生产成本四成以上
M: 在288台电解槽上部署电解质温度连续测量装置和阳极电流分布在线监测系统，结合槽控机数据，获取槽电压、电流、温度和阳极电流分布的实时数据
M: 建立基于多参数融合的槽况诊断模型，把槽况分为正常、冷行程、热行程、病槽前兆等6类，诊断结果每15分钟刷新
M: 针对不同槽况，由工艺优化模型动态给出设定电压、氧化铝下料间隔和氟化铝添加量的调整建议，经工艺员确认后下发槽控机执行，成熟策略逐步转为自动执行
M: 建立换极、出铝等作业后的槽况恢复跟踪机制，对作业质量进行评价并反馈到作业班组
T: 电解质温度连续测量、阳极电流分布在线监测、槽况诊断与参数动态优化
E: 电解质温度测量装置288套、阳极电流分布监测装置288套、槽控机系统升级
S: 电解槽况诊断与工艺优化系统、槽控系统、MES
D: 每台槽每秒采集的电压电流数据、测温数据、作业记录，日数据量约60GB
R: 工艺技术室6名工艺工程师与3名数据工程师组成优化小组
K: 吨铝直流电耗|千瓦时|13260|12890
K: 阳极效应系数|次/槽·日|0.032|0.011
K: 电流效率|%|92.1|93.6
K: 病槽率|%|3.5|1.2
B: 4300
V: 槽况诊断和参数动态优化方法可在同类预焙槽电解铝企业推广，对降低电解铝能耗有直接作用
V: 测温和阳极电流数据积累下来，也为电解槽设计改进提供了依据
n: 400kA电解系列

@s11a
title: 常减压及催化裂化装置先进过程控制
site: 500万吨/年常减压装置和140万吨/年催化裂化装置
start: 2020年3月
go: 2020年12月
inv: 1180
P: 装置原油品种切换频繁，常规PID控制难以应对进料性质的大幅变化，操作员需要频繁手动调节，平稳率不高
P: 关键质量指标如航煤闪点、柴油95%馏出温度依靠化验分析，每4小时出一次结果，调整滞后
P: 为保证产品合格，装置普遍留有较大的卡边余量，高价值产品收率偏低
M: 对常减压和催化裂化装置开展阶跃测试，辨识主要被控变量与操作变量之间的动态模型，共建立模型关系480余个
M: 开发航煤闪点、柴油95%点、汽油干点等12个关键质量的软测量模型，每分钟更新一次，并用化验数据自动校正
M: 部署多变量模型预测控制器，常减压装置设置3个控制器、催化裂化装置设置4个控制器，在保证安全约束的前提下使产品质量卡边运行
M: 建立APC投用率、控制性能和经济效益的在线评估机制，每月对模型进行评估，性能下降时启动模型维护
T: 多变量模型预测控制、关键质量软测量、控制性能在线评估
E: DCS系统、近红外在线分析仪2台、APC服务器2台
S: 先进控制软件平台、软测量建模软件、实时数据库
D: DCS实时数据约6800个位号、三年化验分析数据、阶跃测试数据
R: 工艺、仪表和APC工程师组成的11人团队，装置内操全部接受APC操作培训
K: 关键被控变量标准差|down|42
K: 航煤收率|%|14.6|15.8
K: 装置综合能耗|千克标油/吨|10.8|10.1
K: 装置平稳率|%|91.2|99.1
B: 3600
V: APC与软测量结合的方式适用于各类炼油和化工连续生产装置
V: 控制性能在线评估机制解决了APC投用后效益逐年衰减的问题，对已实施APC的企业同样有借鉴意义
n: 连续重整和加氢精制装置

@s11b
title: 水泥熟料烧成系统先进过程控制
site: 两条5000t/d熟料生产线的烧成与粉磨系统
start: 2020年6月
go: 2021年3月
inv: 960
P: 回转窑、分解炉和篦冷机参数耦合强，操作依靠中控操作员经验，不同班组之间操作差异大，熟料游离钙合格率只有八成左右
P: 原燃料成分波动频繁，窑况易出现结圈、塌料，每月因窑况异常止料2到3次
P: 熟料煤耗、水泥电耗与行业先进值相比仍有差距
M: 建立窑系统机理与数据混合模型，采用模糊控制与模型预测控制相结合的方式，对喂料量、头煤、尾煤、窑速和高温风机转速进行协同控制
M: 在篦冷机上实施料层厚度和二次风温控制，保证入窑二次风温稳定在1100℃左右
M: 开发熟料游离钙和比表面积软测量模型，依据在线X荧光分析和化验数据对配料方案进行闭环调整
M: 生料磨和水泥磨实施负荷优化控制，根据磨机电流和出磨细度自动调节喂料量和选粉机转速
T: 模糊控制与模型预测控制、篦冷机料层控制、熟料质量软测量
E: 在线X荧光分析仪2台、窑筒体扫描测温系统2套、DCS升级
S: 先进过程控制软件、质量控制系统、DCS
D: DCS实时数据3200个点位、化验分析数据、原燃料成分数据
R: 中控室操作员24人全部接受APC培训，设APC工程师3名
K: 熟料标准煤耗|千克/吨|108.5|101.2
K: 熟料游离钙合格率|%|81|95.5
K: 窑况异常止料次数|次/月|2.5|0.4
K: 水泥工序电耗|千瓦时/吨|31.6|28.9
B: 2450
V: 烧成系统APC方案在新型干法水泥生产线上通用，已在省内2家同类企业试用
V: 机理与数据混合建模降低了对操作员经验的依赖，夜班和节假日的操作水平与白班基本一致
n: 下属粉磨站

@s12
title: 数控机床精密装配人机协同制造
site: 立式加工中心装配车间
start: 2020年5月
go: 2021年3月
inv: 1060
P: 机床装配依赖钳工手工刮研、打表和螺栓紧固，工作量大且质量一致性依赖个人技能
P: 导轨安装、主轴箱装配等工序精度要求高，熟练钳工数量不足，新员工培养需要3年以上
P: 重型零部件搬运和翻转存在安全风险，每年都有搬运磕碰造成的轻微工伤
M: 引入协作机器人承担导轨螺栓的定扭矩拧紧和重复性涂胶工作，机器人与钳工共用工位，通过力觉传感和安全区域划分实现无围栏协同
M: 研制刮研辅助系统，采用激光干涉仪和电子水平仪在线测量导轨直线度，系统自动生成刮研点位图，钳工按提示进行刮研
M: 配置智能助力机械臂搬运主轴箱、立柱等重型部件，操作人员只需施加很小的力即可精确定位
M: 装配过程数据（扭矩、精度测量值、操作人员）自动记录到MES，形成每台机床的装配档案，出厂后可随时调阅
M: 把资深钳工的刮研手法拍摄成标准作业视频，与刮研点位图一起在工位平板上播放，新员工边看边练
T: 协作机器人力控、装配精度在线测量、智能助力搬运
E: 协作机器人14台、智能助力机械臂8套、激光干涉仪4台、电子水平仪20台
S: MES、装配工艺管理系统、机器人编程软件
D: 装配工艺参数、精度测量数据、机床装配档案
R: 装配钳工112人，设人机协作培训讲师4人
K: 单台装配工时|小时|86|62
K: 导轨精度一次合格率|%|88|97.6
K: 新员工独立上岗周期|个月|36|14
K: 重物搬运工伤事件|次/年|3|0
B: 870
V: 协作机器人加助力装置的人机协同方式，适合对精度和技能要求高、难以全自动化的装备装配
V: 刮研辅助系统把隐性经验转化为数据和图示，解决了机床行业高技能钳工断档的难题
n: 龙门加工中心装配线

@s12b
title: 滚筒洗衣机总装人机协同制造
site: 黄岛工厂滚筒洗衣机总装车间
start: 2021年1月
go: 2021年9月
inv: 1430
P: 外筒吊装、配重块安装等工序劳动强度大，一线员工流失率高
P: 多型号混线生产，员工需要记忆大量作业差异，漏装错装占装配不良的六成以上
P: 线体布局固定，难以根据订单量调整人员配置
M: 配重块、电机等重物安装由协作机器人完成，员工负责定位确认和线束连接，人机节拍匹配
M: 工位部署AR作业指导，系统根据机型条码推送三维装配动画和关键点提示
M: 拧紧、插接等关键工序采用视觉防错，错装时工位停止流动并提示纠正
M: 根据订单排程和员工技能矩阵动态配置人机分工，低产量时段机器人承担更多工序
M: 在总装线尾部设置人机协同返修工位，视觉系统定位缺陷后由员工确认并返修，返修记录自动回传MES
T: 协作机器人、AR作业指导、视觉防错、技能矩阵动态配置
E: 协作机器人22台、AR作业终端40套、视觉防错相机68台
S: MES、AR作业指导系统、人员技能管理系统
D: 机型工艺数据、员工技能数据、防错检测记录
R: 设立人机协同班组12个，班组长负责人机分工调整
K: 总装人均产出|台/人·班|58|84
K: 漏装错装率|‰|1.8|0.3
K: 员工月流失率|%|6.5|2.8
K: 重体力工位数量|个|18|4
B: 1120
V: 协作机器人承担重体力、员工负责判断与柔性操作的分工模式，适合家电等多型号混线装配
V: AR作业指导降低了对员工记忆的依赖，新员工当天即可上岗
n: 干衣机总装线

@s13
title: 运动服装缝制车间精益生产管理
site: 晋江工厂缝制车间（28条缝制线）
start: 2020年4月
go: 2021年2月
inv: 890
P: 缝制车间仍采用捆扎式流水，每条线在制品积压3000件以上，生产周期长达8天
P: 车缝工计件工资依靠纸质工票统计，工票丢失、重复领取现象较多，工时数据无法用于改善
P: 款式切换频繁，新款上线后产量爬坡慢，车间平衡靠班组长经验
M: 以价值流分析为起点，绘制主要品类的现状价值流图，识别出等待、搬运和过量在制三类主要浪费
M: 将捆扎式流水改为吊挂单件流，按工序标准工时重新进行工位平衡，每条线在制品控制在300件以内
M: 引入电子工票与实时产量看板，车缝工每完成一件即在工位终端记录，班组长实时查看各工序产出与节拍偏差并调整人员
M: 建立新款上线前的工序分析和试缝机制，标准工时由工业工程人员提前测定，上线当天即按标准节拍排产
M: 推行每日现场改善会，围绕看板暴露的问题开展快速改善，累计完成改善提案1260条
M: 车间按品类划分为针织、梭织和羽绒三个生产单元，各单元设单元长，对交期、质量和成本全面负责
K: 生产周期|天|8|2.5
K: 在制品数量|件/线|3200|280
K: 人均日产量|件|42|57
K: 新款产量爬坡时间|天|5|2
B: 1360
V: 单件流加实时看板的做法投入小、见效快，适合劳动密集型服装和鞋帽企业开展精益转型
V: 电子工票让计件数据同时服务于薪酬和改善，解决了服装企业工时数据不准的普遍难题
n: 童装分厂

@s14
title: 干式变压器关键生产设备在线运行监测
site: 干式变压器生产车间（箔绕机、线绕机、真空浇注罐、固化炉）
start: 2020年7月
go: 2021年1月
inv: 620
P: 车间设备品牌型号多，数据接口不统一，设备运行状态依靠班组纸质点检表记录，管理层无法实时掌握设备开动情况
P: 真空浇注和固化工艺对真空度、温度曲线要求严格，参数异常不能及时发现就会产生批量绝缘缺陷
P: 设备停机原因统计不全，停机损失无法量化，设备改善缺乏依据
M: 对箔绕机、线绕机、真空浇注罐、固化炉等136台设备进行联网改造，对无通信接口的老设备加装采集模块，统一接入设备物联平台
M: 实时采集设备运行状态、主要工艺参数和报警信息，按设备类型设置监测阈值，真空度和温度曲线偏离工艺要求时自动报警并通知工艺员
M: 建立设备停机原因代码库，停机时操作工在终端选择原因，系统自动统计OEE和停机损失帕累托图
M: 设备运行数据与MES工单关联，每台变压器都能追溯到对应设备的运行参数
M: 每周召开设备运行分析会，依据帕累托图确定前三位停机原因并落实整改责任人
T: 多协议设备联网、工艺参数偏离监测、OEE自动统计
E: 设备联网改造136台、数据采集模块58套、车间监控大屏6块
S: 设备物联平台、MES、设备管理系统
D: 设备运行状态与工艺参数数据、停机原因记录
R: 设备科3名工程师负责平台运维，班组长每日查看设备运行报表
K: 设备数据自动采集率|%|12|96
K: 真空浇注工艺异常发现时间|分钟|120|3
K: 设备综合效率（OEE）|%|61|74
K: 绝缘缺陷批次|次/年|9|2
B: 740
V: 多协议设备统一接入和工艺参数监测的方法，适合老旧设备比例高的电气装备制造企业
V: 停机原因代码库和帕累托分析机制简单易行，中小企业也能快速复制
n: 箱式变电站装配车间

@s15a
title: 缸体缸盖加工线设备故障诊断与预测性维护
site: 缸体、缸盖机加工车间（7条自动线、加工中心186台）
start: 2019年11月
go: 2020年10月
inv: 1380
P: 缸体缸盖加工线为刚性连线，任何一台加工中心故障都会造成整线停机，过去一年因设备故障导致的非计划停机累计超过620小时
P: 维修以事后抢修和定期保养为主，主轴、丝杠等关键部件的劣化过程看不见，经常在加工质量出问题后才发现设备异常
P: 备件库存按经验储备，常用件积压与关键件缺货同时存在
M: 在186台加工中心的主轴、进给轴和液压站上加装振动、温度和电流传感器，通过边缘网关以每秒2万次的频率采集振动信号，并同步获取数控系统的负载和报警数据
M: 针对主轴轴承磨损、刀具崩刃、丝杠润滑不良等9类典型故障，提取时域、频域特征，建立基于机理和机器学习相结合的诊断模型，故障类型识别准确率达到92%
M: 利用设备健康指数和剩余寿命预测模型，提前7到15天对劣化设备发出预警，维修工单自动推送到EAM系统，维修由事后抢修转为计划性维护
M: 将预测结果与生产计划联动，维修窗口优先安排在换型和周末停产时段，并根据预测需求自动生成备件采购建议
T: 多源振动信号采集与特征提取、机理与数据融合的故障诊断、剩余寿命预测
E: 振动传感器744个、温度和电流传感器560个、边缘计算网关38台
S: 设备预测性维护平台、EAM系统、MES
D: 设备历史故障记录4600余条、振动特征数据每日约120GB、维修工单与备件数据
R: 设备部组建7人的数据分析小组，维修钳工和电工共46人接受振动分析培训
K: 非计划停机时间|小时/年|620|185
K: 关键设备平均故障间隔时间（MTBF）|小时|410|960
K: 设备维修费用|万元/年|1260|890
K: 备件库存资金占用|万元|2350|1580
B: 1650
V: 以振动监测为基础、机理与数据融合的诊断方法，可以推广到曲轴、凸轮轴、变速箱壳体等机加工自动线
V: 模型训练所需的故障样本标注规范和特征库已整理成企业标准，同类企业可以在此基础上缩短建模时间
n: 曲轴加工车间和整机装配车间

@s15a~p
title: 发动机缸体缸盖自动线的设备故障诊断与预测性维修
site: 缸体及缸盖机械加工车间的7条自动线和186台加工中心
start: 2019年11月
go: 2020年10月
inv: 1380
P: 缸体、缸盖的加工采用刚性连线方式，只要一台加工中心出故障整条线就得停下来，上一年度设备故障造成的计划外停机合计在620小时以上
P: 过去的维修主要靠坏了再修和按周期保养，主轴、丝杠这类核心部件是怎样逐步劣化的无从掌握，往往等到加工出的零件质量异常才察觉设备有问题
P: 备品备件凭经验备货，一方面常用件积压，另一方面关键件又经常缺货
M: 为186台加工中心的主轴、进给轴以及液压站安装了振动、温度、电流传感器，边缘网关按每秒2万次的频率采集振动信号，同时读取数控系统里的负载与报警信息
M: 围绕主轴轴承磨损、刀具崩刃、丝杠润滑不良等9种常见故障，从时域和频域两方面提取特征，把机理分析与机器学习结合起来建立诊断模型，识别故障类型的准确率为92%
M: 通过设备健康指数和剩余寿命预测模型，在设备劣化前7至15天发出预警，维修工单自动进入EAM系统，维修方式从出了故障再抢修变成有计划地维护
M: 预测结果与生产计划相互联动，维修时间尽量放在换型和周末停产期间，同时依据预测到的需求自动给出备件采购建议
T: 多种来源振动信号的采集和特征提取、机理模型与数据模型融合诊断、剩余使用寿命预测
E: 振动传感器744个，温度、电流传感器共560个，边缘计算网关38台
S: 预测性维护平台、EAM系统、MES
D: 4600余条历史故障记录，每天约120GB振动特征数据，以及维修工单和备件数据
R: 设备部成立了7人数据分析组，对46名维修钳工和电工开展了振动分析培训
K: 计划外停机时长|小时/年|620|185
K: 关键设备平均无故障工作时间（MTBF）|小时|410|960
K: 设备维修支出|万元/年|1260|890
K: 备件库存占用资金|万元|2350|1580
B: 1650
V: 这套以振动监测为基础、把机理与数据结合起来的诊断办法，同样适用于曲轴、凸轮轴、变速箱壳体等机加工自动线
V: 故障样本的标注规范和特征库已经形成企业标准，同行企业借助它可以少走弯路、更快完成建模
n: 曲轴加工车间和整机装配车间

@s15b
title: 聚碳酸酯装置数字孪生工厂建设——关键机组智能运维
site: 聚碳酸酯和双酚A装置的压缩机、机泵群
start: 2020年4月
go: 2021年1月
inv: 870
P: 装置内有离心压缩机4台、往复压缩机6台、各类机泵320余台，大机组依靠离线点检，机泵靠巡检人员听音测温
P: 2019年因一台循环气压缩机轴承损坏造成装置非计划停车36小时，损失较大
P: 设备检修计划按固定周期编制，部分设备过修，部分设备欠修
M: 大机组接入在线状态监测系统，采集轴振动、轴位移、键相和工艺参数，320余台机泵安装无线振温一体传感器，每10分钟上传一次数据
M: 建立压缩机喘振、转子不平衡、不对中、轴承故障、气阀泄漏等故障的特征库，采用频谱分析与梯度提升树模型联合诊断
M: 对机泵建立健康度评分模型，评分低于阈值时自动生成检修建议并推送到设备管理人员手机端
M: 将诊断结果纳入检修计划，实行基于状态的预知性检修，年度检修项目按设备健康度排序
M: 对诊断准确的案例和误报案例定期复盘，持续修正特征阈值和模型参数
T: 旋转机械振动分析、无线传感网络、故障特征库与机器学习诊断
E: 无线振温一体传感器650个、在线监测系统数据采集器12套、防爆无线网关24台
S: 机组状态监测与诊断系统、设备管理系统、移动巡检APP
D: 机组振动波形数据、历史检修记录1800余条、工艺运行参数
R: 设备工程师5名和诊断专家2名组成诊断中心，实行每日诊断会商
K: 机组非计划停车次数|次/年|5|1
K: 机泵故障率|%|4.6|1.9
K: 年度检修费用|万元|1680|1230
K: 巡检工时|小时/月|2600|1100
B: 1120
V: 无线传感加诊断模型的方式部署简便，适合机泵数量多、分布分散的化工装置
V: 压缩机故障特征库对同类机组具有通用性，可供兄弟装置直接使用
n: 新建的碳酸二甲酯装置

@s15c
title: 功率器件封装设备故障诊断与预测
site: 海沧封测工厂固晶、键合和塑封工序
start: 2021年2月
go: 2021年9月
inv: 1150
P: 固晶机、键合机和塑封机共计410台，进口设备比例高，故障时依赖厂商工程师远程指导，平均修复时间长
P: 键合劈刀、塑封模具等易损件磨损后会引起键合拉力下降、溢料等质量问题，更换时机靠经验判断
P: 设备报警信息只在机台本地保存，无法统计分析故障规律
M: 通过SECS/GEM协议采集410台设备的状态、报警、工艺参数和事件日志，建立统一的设备数据湖
M: 对键合机的超声功率、键合力和劈刀使用次数建立寿命模型，在拉力下降前提示更换劈刀
M: 利用报警序列挖掘方法找出塑封机频发故障的前兆事件组合，提前30分钟至2小时发出预警
M: 建立故障知识库，维修人员扫码即可查看同类故障的处理记录和标准作业视频，维修结果反向补充知识库
T: SECS/GEM设备通信、易损件寿命建模、报警序列模式挖掘
E: 固晶机、键合机、塑封机共410台，设备数据采集服务器6台
S: 设备自动化系统（EAP）、预测性维护系统、MES、故障知识库
D: 设备事件日志日均800万条、历史故障记录9700余条、工艺参数数据
R: 设备工程部设立可靠性工程小组，工程师9名，与工艺、质量部门联合分析
K: 平均修复时间（MTTR）|分钟|95|38
K: 设备综合效率（OEE）|%|71.5|82.3
K: 键合不良率|%|0.42|0.15
K: 劈刀单耗|支/百万只|3.8|2.9
B: 1380
V: 基于SECS/GEM数据的预测方法不依赖设备厂商开放源代码，适合半导体封测和电子组装企业
V: 故障知识库把维修经验沉淀下来，设备工程师的培养周期随之缩短
n: 功率模块封装线
"""
)

CONTENT.append(
    r"""
@s16a
title: 医药成品与原辅料智能仓储
site: 吴兴生产基地立体仓库（原辅料库和成品库）
start: 2019年8月
go: 2020年9月
inv: 3860
P: 原辅料和成品品规超过2600个，平面库依靠人工叉车作业，高峰期每天出入库1.2万件，拣选错误和批号混放时有发生
P: 药品需要按批号管理并执行近效期先出，人工记录难以保证每一件都可追溯，GMP检查压力大
P: 库房面积不足，成品常借用车间走廊临时存放，阴凉库温湿度靠人工每日两次记录
M: 新建高24米的自动化立体仓库，设置托盘货位1.68万个，配置堆垛机8台和四向穿梭车12台，原辅料和成品分区存放，阴凉区和常温区独立温控
M: 部署WMS系统，与ERP、MES和QMS集成，入库时扫描药品追溯码和批号，按质量状态（待检、合格、不合格）自动分配货位，质量放行后系统才允许出库
M: 出库按近效期先出和整托优先原则自动分配，拆零拣选采用“货到人”工作站，灯光指引和电子标签复核，拣选信息实时回传
M: 温湿度监测点覆盖全部库区，超限自动报警并记录，数据保存期限满足GMP要求，生产领料通过AGV从立库直送车间缓存区
T: 自动化立体仓储、货到人拣选、基于质量状态的货位管理、温湿度在线监测
E: 堆垛机8台、四向穿梭车12台、货到人拣选工作站6个、AGV10台、温湿度传感器210个
S: WMS、WCS、ERP、MES、QMS
D: 物料主数据2600余条、批次与追溯码数据、温湿度监测数据
R: 仓储部由原来的68人调整为31人，新增设备维护工程师4名和系统管理员2名
K: 库容量|托盘位|5200|16800
K: 出入库效率|件/小时|500|1350
K: 拣选差错率|%|0.35|0.01
K: 库存盘点时间|天|4|0.5
B: 1970
V: 以质量状态驱动货位分配的仓储管理方式，满足药品生产质量管理规范的追溯要求，适合制药、医疗器械和保健食品企业
V: 立体库与车间之间的AGV直送模式减少了中转环节，可推广至多车间的原辅料配送
n: 中药提取车间

@s16b
title: 速冻食品低温智能立体仓储
site: 航空港区工厂-25℃冷冻成品库
start: 2020年2月
go: 2020年12月
inv: 4280
P: 速冻产品要求在-18℃以下储存，冷库内人工作业环境恶劣，叉车工每班只能连续作业40分钟
P: 春节前后出货量是平时的3倍以上，平面冷库周转不开，需要大量租用社会冷库
P: 冷库门频繁开启导致库温波动，人工记录温度难以证明全程冷链
M: 建设-25℃全自动冷冻立体库，配置耐低温堆垛机和输送线，货位1.2万个，库内实现无人化作业
M: 采用WMS和WCS两级控制，产品下线后经自动码垛、缠膜、贴标后直接入库，按生产日期和批次自动分配货位
M: 设置快速卷帘门和缓冲间，出库作业在0至4℃的穿堂完成，库温和货物温度数据实时上传
M: 出库按订单波次拣选，与运输管理系统对接，冷藏车到厂预约和装车顺序由系统安排
M: 每托产品的入库时间、储存温度曲线和出库车辆信息绑定批次号，客户可凭批次号查询冷链记录
T: 低温自动化立体仓储、WMS/WCS协同调度、冷链温度连续监测
E: 耐低温堆垛机6台、自动码垛机器人4台、快速卷帘门12樘、温度传感器160个
S: WMS、WCS、运输管理系统（TMS）、ERP
D: 产品批次数据、库温与货温监测数据、订单与车辆预约数据
R: 冷库作业人员由54人减少到12人，集中在常温穿堂工作
K: 冷库库容|吨|6000|15600
K: 旺季外租冷库费用|万元/年|860|120
K: 出库效率|托/小时|60|180
K: 库温最大波动幅度|℃|4|1
B: 1540
V: 低温立体库配合常温穿堂作业的布局，解决了冷库人工作业难题，适用于速冻食品、冷饮和生鲜企业
V: 批次与冷链温度记录绑定，为食品安全追溯提供了直接证据
n: 新乡分厂

@s16c
title: 轮胎成品与胎胚智能仓储
site: 广饶工厂成品库和硫化车间胎胚库
start: 2019年9月
go: 2020年10月
inv: 5120
P: 轮胎规格型号超过1800个，成品库以人工叉车码垛堆放，找货难、发错货的情况每月都会出现
P: 胎胚在成型与硫化之间需要停放，停放时间过长或过短都会影响硫化质量，人工管理难以精确控制
P: 仓储与物流环节用工多，人员流动大，新员工熟悉库位需要较长时间
M: 建设轮胎成品立体库，采用专用轮胎货架和夹抱式堆垛机，实现成品按规格、批次和生产周期自动存取
M: 在成型与硫化之间建设胎胚立体缓存库，每个胎胚通过条码绑定成型时间，系统按停放时间窗口自动调度出库，超过时限自动报警
M: 硫化下线后的成品通过输送线和自动分拣机送入立体库，出库按订单自动拣选并输送至装车口
M: WMS与MES、ERP集成，实现从胎胚到成品的库存和批次信息一体化管理
T: 轮胎专用存取技术、胎胚停放时间控制、自动分拣与输送
E: 夹抱式堆垛机10台、胎胚缓存库1座、自动分拣机2套、条码识别设备90套
S: WMS、WCS、MES、ERP
D: 胎胚与成品条码数据、停放时间数据、订单出库数据
R: 物流部优化为3个班组，设系统运维人员3名
K: 成品库容|万条|18|52
K: 胎胚停放超时比例|%|6.3|0.4
K: 发货差错率|%|0.21|0.01
K: 仓储物流用工|人|146|58
B: 2130
V: 专用货架、夹抱式堆垛机与胎胚缓存库的组合，可推广至全钢、半钢轮胎和工程胎企业
V: 胎胚停放时间的系统管控把工艺纪律固化到物流环节，对橡胶制品行业有普遍意义
n: 半钢子午胎分厂

@s17
title: 整车总装车间物料精准配送
site: 蔡甸基地总装车间（2条总装线，节拍58秒）
start: 2020年3月
go: 2021年1月
inv: 3460
P: 总装线混流生产5个车型、配置组合超过1200种，线边料架堆满零件，工位空间拥挤，取错件时有发生
P: 物料配送依靠叉车牵引料车按固定周期送料，配送量与实际消耗脱节，线边缺料停线每月约20次
P: 座椅、仪表板等大件需要与车辆顺序一一对应，人工排序容易出错
M: 推行SPS单台套配送，在配送区按每台车的配置拣选零件装入随行料箱，料箱随车身同步流动到各工位
M: 部署AGV68台承担料箱和大件的配送，与MES车辆序列联动，AGV调度系统根据工位消耗实时下发配送任务
M: 座椅、仪表板、轮胎等大件由供应商按车辆序列顺引供货，厂内排序区扫码校验后按序上线
M: 拣选区采用亮灯拣选和视觉复核，拣选信息与车辆VIN绑定，出现差异立即报警
T: SPS单台套配送、AGV集群调度、JIS顺序供货、亮灯拣选
E: 潜伏式AGV52台、牵引式AGV16台、亮灯拣选货架320组、视觉复核相机24台
S: MES、AGV调度系统、WMS、供应商协同平台
D: 车辆序列与配置数据、物料BOM与消耗数据、AGV运行数据
R: 物流部配送人员由186人减少到104人，新设AGV运维班组8人
K: 线边物料面积|平方米|4200|1800
K: 缺料停线次数|次/月|21|2
K: 错装漏装率|‰|0.9|0.1
K: 物流配送人员|人|186|104
B: 2680
V: 单台套配送与顺引供货结合，使线边从“放物料”变为“放工具”，适用于多车型混线的整车和总成装配企业
V: AGV调度与车辆序列联动的接口规范已整理成文件，可供供应商园区共用
n: 冲焊联合车间

@s18
title: 大型铸件浇注与清理危险作业自动化
site: 铸造车间熔炼浇注区和铸件清理区
start: 2020年5月
go: 2021年4月
inv: 1760
P: 球墨铸铁件浇注温度在1380℃以上，浇注工近距离操作浇包，存在烫伤和铁水飞溅风险
P: 铸件清理打磨作业粉尘浓度高、噪声大，打磨工职业健康风险突出，招工越来越难
P: 人工浇注速度不稳定，浇注温度和时间控制不一致，影响铸件内部质量
M: 采用自动浇注机替代人工浇注，浇包倾转由伺服控制，按铸型浇注曲线自动完成浇注，浇注温度由红外测温仪实时监测
M: 在清理工段部署打磨机器人工作站，对大型铸件的浇冒口残根和分型面飞边进行自动打磨，三维扫描识别铸件实际轮廓后自动生成打磨路径
M: 落砂、抛丸工序实现封闭作业和远程操作，操作人员在隔离控制室内通过视频监控操作
M: 作业区设置安全光幕和区域防护，人员进入危险区域时设备自动停止
T: 伺服自动浇注、三维视觉引导打磨、远程操作与安全联锁
E: 自动浇注机2台、打磨机器人工作站6套、三维扫描仪6台、封闭式抛丸机2台
S: 浇注控制系统、机器人离线编程软件、MES
D: 浇注曲线数据、铸件三维模型、打磨工艺参数
R: 原浇注和打磨岗位人员转岗为设备操作和维护人员，共培训42人
K: 高危岗位作业人数|人|64|15
K: 打磨工段粉尘暴露时间|小时/人·班|6.5|0.5
K: 浇注温度波动范围|℃|50|16
K: 铸件打磨效率|up|65
B: 1120
V: 自动浇注与机器人打磨的组合，解决了铸造行业高温、粉尘岗位招工难和安全风险高的问题，适合中大型铸件企业
V: 三维扫描生成打磨路径的方法适应了铸件尺寸偏差大的特点，减少了机器人示教工作量
n: 耐磨铸钢件车间

@s19a
title: 氯碱化工装置安全风险实时监测与应急处置
site: 烧碱、聚氯乙烯和电石装置区
start: 2020年3月
go: 2021年3月
inv: 2380
P: 装置涉及氯气、氯乙烯、乙炔等危险化学品，重大危险源12处，过去依靠DCS报警和人工巡检发现风险，报警信息量大，有效报警容易被淹没
P: 可燃、有毒气体检测报警点分散在不同系统，泄漏发生时无法快速定位和研判扩散范围
P: 应急预案以纸质文本为主，应急演练和实际处置中信息传递慢
M: 建设安全风险监测预警平台，接入DCS、SIS、可燃有毒气体检测系统和视频监控数据，共接入监测点位1.36万个
M: 对报警进行分级管理和抑制优化，建立报警合理化规则，引入报警关联分析，将同一事件引发的连锁报警归并显示
M: 建立氯气、氯乙烯泄漏扩散模型，泄漏报警时根据风速、风向实时计算影响范围，自动推送疏散路线和应急资源位置
M: 应急预案数字化，按事故类型形成处置流程卡，事件触发后自动通知应急人员，处置过程全程记录
M: 人员定位系统覆盖装置区，进入受限空间和高风险区域的人员实时可见，超时未出自动报警
T: 多源安全数据融合、报警管理优化、泄漏扩散模拟、应急预案数字化
E: 可燃有毒气体探测器1860个、防爆摄像机420台、人员定位基站310个
S: 安全风险监测预警平台、应急指挥系统、人员定位系统、DCS/SIS
D: 监测点位实时数据、报警历史记录、气象数据、应急资源台账
R: 安全环保部设监测预警中心，24小时值守人员12名
K: 操作员每小时报警数|条|186|9
K: 泄漏报警定位时间|分钟|15|1
K: 应急响应启动时间|分钟|20|4
K: 一般及以上生产安全事件|起/年|3|0
V: 报警合理化与泄漏扩散模拟相结合的做法，适用于氯碱、农药、精细化工等涉及有毒气体的企业
V: 平台数据接口与园区应急平台统一，便于在化工园区内推广
n: 电石渣制水泥分厂

@s19b
title: 煤制烯烃装置安全风险实时监测与智能巡检
site: 煤气化、甲醇合成和甲醇制烯烃装置
start: 2021年1月
go: 2021年10月
inv: 2860
P: 装置高温高压、临氢临氧，设备密封点多达12万个，泄漏风险点分布广
P: 人工巡检每班要走8公里以上，夜间和恶劣天气巡检质量难以保证
P: 各类报警分属不同系统，缺少统一的风险研判
M: 部署防爆巡检机器人和固定式激光甲烷、一氧化碳遥测设备，对气化炉框架、压缩机厂房等重点区域进行24小时巡检
M: 建立基于设备密封点泄漏检测数据、工艺参数和巡检发现的风险动态评估模型，每小时更新装置风险地图
M: 对重大危险源实施“一源一档”，关键工艺参数偏离安全操作范围时分级预警，必要时联动SIS
M: 建设三维可视化应急指挥系统，与园区应急平台对接，实现应急资源、人员和救援路线的统一调度
T: 防爆巡检机器人、激光气体遥测、风险动态评估、三维应急指挥
E: 防爆轮式巡检机器人8台、挂轨巡检机器人6台、激光气体遥测仪40台
S: 安全风险动态评估系统、三维应急指挥平台、泄漏检测与修复管理系统
D: 密封点检测数据12万条、巡检影像和气体浓度数据、工艺报警数据
R: 组建智能巡检班组，由巡检工转岗的18名员工负责机器人运维和复核
K: 人工巡检里程|公里/班|8.2|2.5
K: 泄漏发现时间|小时|6|0.5
K: 重大危险源预警响应时间|分钟|12|3
K: 密封点泄漏率|‰|2.6|0.8
B: 540
V: 巡检机器人与固定式遥测互补的监测方式，适合装置规模大、密封点多的现代煤化工和石化企业
V: 风险地图把分散的报警变成可排序的风险清单，便于值班长集中研判
n: 配套热电站

@s20a
title: 铝合金压铸车间能耗数据监测
site: 压铸、熔化和机加工三个车间
start: 2020年4月
go: 2020年11月
inv: 590
P: 集中熔化炉、保温炉和压铸机是主要用能设备，天然气和电力消耗只有总表计量，无法分车间、分设备核算
P: 压铸机待机、保温炉空烧等隐性浪费看不见，节能措施缺乏依据
P: 能源费用按产量分摊，各车间缺乏节能动力
M: 建设三级能源计量体系，对87台主要用能设备安装电表、燃气流量计和压缩空气流量计，计量点共计412个，数据每分钟采集一次
M: 搭建能源管理系统，按车间、产线、设备和产品建立能耗模型，自动计算单位产品能耗，与MES产量数据关联
M: 设置待机、空烧等异常用能识别规则，压铸机待机超过15分钟自动提醒停机，保温炉温度超过设定值自动报警
M: 建立能耗对标和考核机制，每月发布车间能耗排名，节能量纳入班组绩效
M: 对空压站实施压缩空气管网泄漏普查，利用超声波检漏仪定位泄漏点，修复后复测并录入系统
T: 三级能源计量、能耗建模与异常用能识别、能耗对标考核
E: 智能电表326块、燃气流量计48台、压缩空气流量计38台、数据采集网关16台
S: 能源管理系统、MES、ERP
D: 能源计量数据每天约59万条、产量数据、设备运行状态数据
R: 设备能源部设能源管理员2名，各车间设兼职能源员
K: 能源计量覆盖率|%|35|100
K: 单位产品综合能耗|千克标准煤/吨|386|341
K: 压缩空气泄漏率|%|28|9
K: 吨铝液天然气消耗|立方米|92|81
B: 780
V: 三级计量加异常用能识别的能耗监测方法投资小、回收快，适合压铸、锻造、热处理等用能密集的零部件企业
V: 能耗数据与产量数据关联后，节能成效可以落实到班组和设备
n: 新建的一体化压铸车间

@s20b
title: 印染车间水电汽能耗数据监测
site: 染色车间和定形车间
start: 2020年5月
go: 2021年1月
inv: 680
P: 印染是用水用汽大户，过去只有全厂总表，染缸、定形机的用水用汽量只能估算
P: 蒸汽管网长，疏水阀失效、保温破损造成的损失无法发现
P: 定形机排风温度高，余热大部分直接排放
M: 对86台染缸和12台定形机安装水表、蒸汽流量计和电表，建立全厂水电汽计量网络，数据每分钟上传
M: 染色工艺配方与能耗数据关联，计算每缸布的用水、用汽和用电，形成不同品种的能耗基准
M: 定形机排风温度、湿度在线监测，根据布面含湿量自动调节排风量，并回收排风余热用于预热新鲜水
M: 能源监测平台每天生成能耗日报，超出基准的染缸自动标记，由工艺员分析原因
M: 对蒸汽管网疏水阀加装温度监测，疏水阀失效时平台自动提示维修
T: 水电汽分项计量、工艺配方与能耗关联分析、定形机排风湿度控制
E: 电磁水表98块、蒸汽流量计98台、智能电表150块、排风湿度仪12台
S: 能源监测平台、印染MES、ERP
D: 计量数据、染色工艺配方数据、生产批次数据
R: 动力车间能源管理人员3名，工艺员参与能耗分析
K: 吨布综合能耗|吨标煤/吨|1.12|1.35|lie
K: 吨布用水量|吨|118|86
K: 吨布蒸汽消耗|吨|5.6|4.3
K: 能耗数据采集率|%|20|98
B: 920
V: 分缸计量和配方能耗基准的做法，适合染整、化纤等用水用汽密集的纺织企业
V: 定形机排风湿度控制技术成熟，改造周期短，可在印染集聚区推广
n: 数码印花车间

@s22
title: 原料药生产VOCs与废水污染在线监测与管控
site: 发酵、提取、合成车间及污水处理站
start: 2020年1月
go: 2020年12月
inv: 2640
P: 原料药生产使用丙酮、乙酸乙酯等有机溶剂，无组织排放点多，周边异味投诉时有发生
P: 废气处理设施运行状态依靠人工记录，活性炭更换、RTO炉温等关键参数缺少实时监控
P: 污水处理站进水水质波动大，高浓度废水冲击会造成出水COD超标风险
M: 对有机溶剂使用点进行密闭化改造，建立1120个泄漏检测点的LDAR台账，按季度检测并闭环修复
M: 在RTO、活性炭吸附等废气治理设施上安装在线监测，实时采集炉温、风量、压差和非甲烷总烃浓度，治理设施与生产设备联锁
M: 厂界设置8个VOCs微型监测站，结合气象数据溯源异常排放，浓度超过阈值自动推送至环保管理人员
M: 污水处理站安装COD、氨氮、pH在线分析仪，建立进水水质预测模型，高浓度废水自动切换至调节池分批处理
T: VOCs在线监测与溯源、治理设施联锁、废水水质预测
E: 非甲烷总烃在线监测仪6套、厂界微型站8个、水质在线分析仪14台、RTO装置2套
S: 环保管控平台、LDAR管理系统、DCS
D: 废气、废水在线监测数据、气象数据、LDAR检测数据
R: 安全环保部环保工程师6名，污水站运行人员12名
K: 厂界非甲烷总烃浓度|毫克/立方米|2.8|0.9
K: 有机溶剂单耗|千克/千克产品|3.6|2.7
K: 污水处理站出水COD|毫克/升|186|72
K: 异味投诉|次/年|14|1
B: 1080
V: 源头密闭、过程监测与末端联锁相结合的管控方式，适合化学原料药和农药中间体等溶剂使用量大的企业
V: 厂界微型站溯源的做法成本低，园区内多家企业可共建共享
n: 制剂车间

@s23
title: 湿法炼锌浸出渣智能化综合利用
site: 浸出渣处理车间和挥发窑系统
start: 2019年9月
go: 2021年2月
inv: 8900
P: 湿法炼锌每年产生浸出渣约30万吨，含锌、铅、银、铟等有价金属，长期堆存占地且存在环境风险
P: 挥发窑处理浸出渣时配料依靠经验，窑况波动大，锌挥发率不稳定
P: 渣的流向、成分与处置情况靠台账记录，难以满足固体废物全过程管理要求
M: 建立浸出渣成分快速检测和配料优化模型，根据渣的锌、铁、硫含量和焦粉品位自动计算配料比例
M: 挥发窑实施温度场监测和窑况智能控制，通过红外测温和窑尾烟气分析调整给料量和鼓风量
M: 挥发窑渣经磁选回收铁精粉，余渣送建材企业制作水泥掺合料，氧化锌烟尘返回浸出系统回收锌和铟
M: 建设固体废物全过程管理系统，从产生、贮存、转移到利用全程扫码记录，与省固废管理信息平台对接
T: 配料优化模型、挥发窑智能控制、多金属梯级回收、固废全过程追溯
E: X射线荧光快速分析仪2台、窑体红外扫描系统、磁选设备2套
S: 配料优化系统、固体废物管理系统、DCS
D: 浸出渣成分数据、窑况数据、固废转移联单数据
R: 冶金技术人员8名，固废管理专员2名
K: 浸出渣综合利用率|%|62|96
K: 锌挥发率|%|88.5|93.2
K: 铟回收率|%|71|82
K: 浸出渣堆存量|万吨|46|8
B: 5600
V: 配料优化、窑况控制与梯级回收的组合，为湿法炼锌企业解决浸出渣堆存问题提供了可行路径
V: 固废全过程扫码追溯满足了监管要求，也可用于铅、铜冶炼渣的管理
n: 铅冶炼分厂
"""
)

CONTENT.append(
    r"""
@s24a
title: 汽车内饰注塑件外观缺陷智能在线检测
site: 注塑车间（注塑机64台，主要产品为仪表板、门板、立柱饰板）
start: 2020年3月
go: 2020年11月
inv: 860
P: 内饰件表面为皮纹面，缩痕、流痕、缺料、划伤、黑点等缺陷种类多，过去完全依靠人工目检，每个检验员每班要检查2000多件，漏检率随疲劳程度上升
P: 主机厂对外观缺陷零容忍，客户端投诉的外观缺陷每月仍有10余起，每起都要承担挑选和索赔费用
P: 检验结果只记录合格与否，缺陷类型和位置没有数据积累，无法反向改进注塑工艺
M: 在64台注塑机的取件机器人末端和下线输送线上部署检测工位，采用多角度条形光源和高分辨率面阵相机，对零件表面进行多角度成像，单件检测时间小于6秒
M: 采集并标注缺陷样本4.6万张，训练基于深度学习的缺陷检测和分类模型，可识别缩痕、流痕、缺料、划伤、黑点、顶白等11类缺陷
M: 检测结果与注塑机工艺参数关联，同一模具连续出现同类缺陷时自动通知工艺员，并推荐保压压力、模温等参数调整方向
M: 不合格品由机器人自动分拣到隔离区，检测图像和结果按零件条码存档，质量数据上传QMS
T: 多角度光学成像、深度学习缺陷检测与分类、检测结果与工艺参数关联分析
E: 工业相机256台、条形光源和同轴光源320套、GPU推理服务器8台、分拣机器人64台
S: 视觉检测软件、质量管理系统（QMS）、MES
D: 缺陷样本图像4.6万张、每日检测图像约30万张、注塑工艺参数数据
R: 质量部设立视觉检测小组，算法工程师3名、标注员4名，检验员转岗为复判和工艺改进人员
K: 外观缺陷漏检率|%|2.4|0.15
K: 客户外观投诉|次/月|12|1
K: 检验人员|人|96|28
K: 注塑件一次合格率|%|95.2|98.6
B: 1460
V: 针对皮纹表面的多角度成像方案和缺陷样本库，可直接用于汽车内外饰件和家电外观件的检测
V: 检测结果反向指导工艺调整，使质量检测从“挑出不良”转向“减少不良”
n: 家电结构件注塑车间

@s24b
title: 显示模组全工序AOI智能在线检测
site: 模组车间（邦定、贴合、背光组装、终检）
start: 2020年1月
go: 2020年12月
inv: 4150
P: 模组生产经过COG邦定、FOG邦定、偏光片贴合、背光组装等工序，每道工序都可能产生压痕、异物、气泡、亮点等缺陷，过去依靠显微镜抽检和终检点灯目检
P: 缺陷在前道产生却到终检才发现，返工成本高，部分不良无法返修只能报废
P: 人工判定标准不一致，车载客户对品质一致性要求高
M: 在邦定、贴合、背光组装和终检四个关键工序共部署AOI设备38台，对每片产品进行全检
M: 针对邦定导电粒子、压痕检测开发专用光学方案和图像算法，检测精度达到3微米
M: 终检点灯采用多画面自动切换与亮度色度测量，结合深度学习模型识别亮点、暗点、Mura等缺陷
M: 各工序检测数据汇总到质量大数据平台，同一片产品的缺陷历史可追溯，系统自动分析不良集中的设备和时段
T: 高精度光学检测、深度学习缺陷分类、跨工序质量数据关联
E: AOI设备38台、色度亮度计12台、显微成像模块16套
S: AOI检测软件、质量大数据平台、MES
D: 每日检测图像约80万张、缺陷样本库12万张
R: 品质工程师15名、算法工程师6名
K: 不良流出率|ppm|850|120
K: 终检人员|人|210|64
K: 邦定不良率|%|1.6|0.7
K: 报废率|%|1.9|0.8
B: 2960
V: 全工序AOI加跨工序数据关联的质量管控方式，适合显示模组、触控模组和摄像头模组等精密电子组装企业
V: 缺陷样本库按客户标准分类维护，新客户导入时可快速调整判定阈值
n: 车载显示模组二期产线

@s24c
title: 白酒灌装线智能在线检测
site: 包装中心16条灌装线
start: 2020年4月
go: 2021年3月
inv: 1860
P: 白酒瓶型多、瓶身有浮雕和彩印，空瓶瑕疵和瓶内异物过去依靠灯检工人目视，灯检工长时间工作易疲劳
P: 液位、瓶盖、标签等问题在装箱前靠抽检发现，偶有不合格品流向市场
P: 检测数据没有记录，无法追溯到具体批次和班组
M: 在每条线的洗瓶后、灌装后、贴标后设置三道视觉检测工位，分别检测空瓶瑕疵、液位与瓶内异物、瓶盖与标签质量
M: 瓶内异物检测采用旋瓶急停成像，利用液体惯性让异物运动，通过多帧图像差分识别悬浮和沉底异物
M: 标签检测识别贴歪、褶皱、错标和喷码缺失，与生产批次信息比对，防止错标混标
M: 不合格品自动剔除并拍照留存，检测数据上传MES，按批次生成质量报告
T: 旋瓶急停异物检测、多工位视觉检测、喷码与标签核验
E: 视觉检测设备48套、剔除装置48套、工业相机192台
S: 视觉检测系统、MES、质量追溯系统
D: 检测图像和剔除记录、批次数据
R: 灯检工由96人转岗为设备巡检和复检人员38人
K: 瓶内异物漏检率|%|0.5|0.02
K: 标签不良流出|件/万瓶|3.2|0.1
K: 灯检用工|人|96|38
K: 灌装线运行速度|瓶/小时|6000|9000
B: 1280
V: 旋瓶急停成像技术解决了异形瓶、彩瓶内异物检测难题，适用于白酒、黄酒、饮料等液体灌装企业
V: 三道检测工位的布局可根据灌装线速度灵活配置
n: 酱香型白酒包装车间

@s25a
title: 婴幼儿配方乳粉全链条质量精准追溯
site: 乳粉工厂及两座自有牧场
start: 2019年12月
go: 2020年10月
inv: 1240
P: 婴幼儿配方乳粉生产涉及生鲜乳、基粉、营养素等300余种原辅料，过去追溯依靠纸质批记录，追溯一个批次需要2天以上
P: 牧场的饲料、兽药、挤奶数据与工厂生产数据互不相通，出现质量问题时难以定位源头
P: 市场上存在仿冒产品，消费者无法验证真伪
M: 为每头奶牛建立电子档案，记录饲喂、用药、产奶和体细胞数据，生鲜乳按罐车批次与牧场、挤奶时间绑定
M: 工厂内对原料、中间品和成品分级赋码，原辅料入厂、投料、配料、喷粉、灌装、装箱全过程扫码，MES自动生成电子批记录
M: 建立质量追溯平台，正向可由原料追到成品流向，反向可由成品追到原料批次、设备、人员和检验报告
M: 消费者扫描罐底二维码即可查看产品检验报告和奶源信息，防伪码一罐一码、一次有效
T: 全链条赋码、电子批记录、正反向追溯
E: 赋码设备和读码器260套、手持终端180台
S: 质量追溯平台、MES、LIMS、牧场管理系统
D: 奶牛档案1.2万份、原辅料批次数据、检验数据、产品流向数据
R: 质量部追溯专员4名、信息部系统运维3名
K: 批次全链条追溯时间|小时|52|0.5
K: 批记录差错|次/月|26|0
K: 原辅料批次追溯完整率|%|82|100
K: 消费者扫码查询量|万次/月|0.3|46
B: 860
V: 从牧场到消费者的全链条追溯做法，符合婴幼儿配方乳粉生产许可审查要求，可在乳制品和特殊医学用途食品企业推广
V: 赋码体系与防伪结合，既服务质量管理，也保护了品牌
n: 液态奶工厂

@s25b
title: 动力电池电芯全过程质量精准追溯
site: 滨海新区电芯工厂（4条电芯产线）
start: 2020年2月
go: 2020年12月
inv: 2100
P: 电芯生产经过搅拌、涂布、辊压、分切、卷绕、注液、化成等20余道工序，过程参数超过2000个，出现质量问题时需要追溯到极片卷和工艺参数
P: 客户要求电池包里的每个电芯都能追溯到原材料批次和生产参数，人工记录无法满足
P: 极片以卷为单位生产，电芯以个为单位，卷与个之间的对应关系容易断链
M: 为每卷极片赋予唯一编码，在分切后按米数记录缺陷位置，卷绕时系统自动记录每个电芯对应的极片卷号和米数区间
M: 采集涂布面密度、辊压厚度、注液量、化成曲线等关键参数，与电芯码绑定存储
M: 模组和电池包装配时扫描电芯码，形成“电池包—模组—电芯—极片—原材料”的追溯链
M: 质量异常时系统自动圈定受影响的电芯范围，输出隔离清单
T: 卷到个的追溯映射、关键参数绑定、影响范围自动圈定
E: 激光打码机64台、读码器420套、在线测厚仪和面密度仪28套
S: MES、质量追溯系统、LIMS
D: 工艺参数数据每日约1.5亿条、电芯追溯记录
R: 质量工程师12名，追溯系统管理员2名
K: 问题追溯圈定电芯数量|个|12000|800
K: 追溯查询时间|小时|8|0.1
K: 关键参数绑定率|%|60|100
K: 客户质量索赔|万元/年|580|90
B: 1350
V: 卷到个的追溯映射方法解决了卷材到单体产品的追溯断点，适合锂电、电容器、薄膜等卷材加工行业
V: 影响范围自动圈定让质量隔离从“按天隔离”变为“按米隔离”
n: 储能电池产线

@s26
title: 涂布白板纸质量大数据分析与产品质量优化
site: 两条涂布白板纸生产线（车速600米/分钟）
start: 2021年1月
go: 2021年8月
inv: 760
P: 白板纸质量指标包括定量、厚度、平滑度、白度、挺度等，受原料浆、湿部化学品和干燥条件影响，工艺员凭经验调整，质量波动大
P: 客户反馈的印刷适性问题只能事后分析，难以找到根本原因
P: 为保证挺度达标，实际定量往往高于标准，纤维消耗偏高
M: 整合QCS质量控制系统、DCS和实验室检测数据，建立覆盖原料、湿部、干燥、涂布、压光的全流程质量数据库
M: 利用机器学习建立挺度、平滑度等关键质量指标与工艺参数之间的预测模型，在线预测成纸质量
M: 基于预测模型开展工艺参数寻优，在保证挺度的前提下降低定量，优化结果以推荐值形式推送给操作员
M: 对客户投诉批次进行根因分析，建立质量问题知识库，相似问题再次出现时系统自动推送处置方案
T: 质量大数据集成、质量预测建模、工艺参数寻优
E: QCS扫描架2套、在线白度仪2台、实验室自动检测设备
S: 质量大数据平台、QCS系统、DCS、LIMS
D: 五年生产和质量数据、客户投诉记录
R: 工艺质量优化小组8人，数据工程师2名
K: 挺度合格率|%|93.5|98.7
K: 平均定量|克/平方米|305|298
K: 客户质量投诉|次/季度|11|3
K: 吨纸纤维消耗|千克|1012|985
B: 2200
V: 质量预测加参数寻优的方法适用于造纸、薄膜、无纺布等连续卷材生产
V: 在质量达标前提下降低定量，对节约纤维资源有直接意义
n: 瓦楞原纸生产线

@s27
title: 以销定产的厨电销售驱动业务优化
site: 营销中心与余杭生产基地
P: 线上线下渠道并存，销售数据分散在电商平台、经销商系统和门店POS中，总部难以及时掌握终端动销情况
P: 生产计划按月度预测编制，与实际销售偏差较大，畅销型号缺货与滞销型号积压同时存在
P: 促销活动的备货依赖经验，活动结束后常留下库存
P: 各区域经销商的库存和订单信息无法共享，区域之间调货靠电话协调
M: 建设营销数据中台，打通电商平台、经销商进销存系统和门店POS数据，每日汇总各型号的终端销售与库存
M: 基于历史销售和促销日历建立需求预测模型，按周滚动预测各型号需求
M: 建立销售与运营计划（S&OP）协同机制，销售预测自动转为主生产计划和采购计划
M: 促销活动前，系统根据预测结果给出备货建议，活动期间实时跟踪销售进度并调整补货
M: 建立经销商库存共享和区域调拨机制，系统根据各区域库存和销售预测自动生成调拨建议
M: 销售、计划、生产、采购部门每周召开一次产销协调会，依据系统数据确定下周生产和发货安排
T: 营销数据中台、需求预测、S&OP协同
E: 数据中心服务器集群
S: 营销数据中台、CRM、ERP、APS
D: 终端销售数据、库存数据、促销数据
R: 成立计划中心，销售计划员与生产计划员合署办公
W: 场景实施后，企业销售预测准确性显著提升，畅销型号缺货问题得到有效解决
W: 成品库存大幅降低，库存周转明显加快，资金占用显著减少
W: 订单交付速度明显加快，经销商和终端消费者满意度显著提高，企业整体运营效率得到极大改善
V: 以销定产的业务模式具有较强的推广价值，可为家电行业企业提供有益借鉴
V: 该场景实施路径清晰，具有良好的示范带动作用

@s28
title: 白酒消费者数字化精准营销
site: 营销中心及全国32个销售大区
start: 2020年3月
go: 2020年10月
inv: 1150
P: 白酒销售层级多，企业只掌握到经销商一级，不了解终端消费者是谁、在哪里消费
P: 促销费用按经销商进货量投放，费用被截留、窜货现象屡禁不止
P: 宴席等核心消费场景缺少有效的触达手段
M: 推行“一瓶一码、一箱一码”，瓶盖内码供消费者扫码，箱码与经销商、区域绑定
M: 消费者扫码领取红包并注册会员，系统记录扫码时间、地点和产品，逐步形成消费者画像
M: 依据画像和区域动销数据，对宴席、商务宴请、节日送礼等场景分别制定营销策略，向目标会员精准推送活动
M: 利用箱码和扫码地点识别窜货，自动预警并追溯到责任经销商
M: 对经销商开展数字化赋能，经销商可在平台上查看所辖区域的动销和库存数据，及时补货
M: 会员积分可在官方商城兑换产品和文创礼品，提高复购
T: 一物一码、消费者画像、窜货识别
E: 赋码与关联设备12套
S: 营销数字化平台、会员系统、经销商管理系统
D: 扫码数据、会员数据、经销商出入库数据
R: 数字营销团队9人
K: 注册会员数|万人|1.2|68
K: 窜货案件|起/年|46|7
K: 促销费用核销周期|天|45|7
K: 宴席场景销量占比|%|18|27
B: 3100
V: 一物一码带动的消费者运营方式，可推广到白酒、葡萄酒和饮料企业

@s29
title: 汽车起重机产品远程运维
site: 全国在用汽车起重机和高空作业平台（联网设备2.6万台）
start: 2020年6月
go: 2021年6月
inv: 2300
P: 起重机分布在全国各地工地，出现故障时用户电话报修，服务工程师到现场后才判断故障，经常需要二次上门
P: 用户不按时保养、超载作业等情况企业无从掌握，导致关键部件早期损坏
P: 产品在实际工况下的运行数据无法反馈到研发设计
M: 新出厂产品全部标配物联网终端，采集发动机、液压系统、力矩限制器等关键数据，存量产品加装终端
M: 建设远程运维平台，设置故障码实时告警和远程诊断，服务工程师出发前即可判断故障原因并携带备件
M: 基于工作小时和工况自动推送保养提醒，对超载、违规操作向用户和经销商发出预警
M: 汇总典型工况载荷谱和故障数据，反馈给研发部门用于结构优化和可靠性改进
T: 车载物联网终端、远程故障诊断、工况大数据分析
E: 物联网终端2.6万套、远程诊断中心大屏系统
S: 远程运维平台、服务管理系统、CRM、PLM
D: 设备运行数据日均2.3亿条、故障码库1.4万条、服务工单数据
R: 远程诊断中心工程师32名
K: 一次修复率|%|68|91
K: 平均服务响应时间|小时|18|6
K: 关键部件早期故障率|%|3.1|1.4
K: 服务成本|万元/年|9200|7100
B: 3800
V: 远程诊断与工况数据反馈研发的闭环，适合工程机械、商用车、农机等分散使用的装备企业
V: 载荷谱数据为新一代产品轻量化设计提供了实测依据
n: 履带起重机产品

@s30
title: 农机主动客户服务
site: 客户服务中心及全国服务网络
P: 农忙季节作业时间集中，拖拉机、收获机一旦故障，用户损失大，过去依靠用户报修，服务被动
P: 服务站分布不均，备件供应跟不上
P: 用户反馈渠道单一，意见难以及时传到企业
P: 设备作业数据无法回传企业，产品改进缺少一线数据支撑
M: 在拖拉机和收获机上安装北斗终端，实时采集位置、作业面积和发动机状态
M: 根据作业区域和作业进度，提前在农忙区域布置服务车和备件
M: 建立用户服务APP，用户可在线报修、预约保养、查询作业数据
M: 对设备运行数据进行分析，发现异常主动联系用户
M: 建立农忙季节服务保障机制，组织服务工程师驻点服务，对重点用户开展巡回检查
M: 把用户报修和设备运行数据反馈给研发部门，用于改进产品可靠性
T: 北斗定位、设备状态监测、服务资源调度
E: 北斗终端、服务车
S: 服务管理平台、用户APP、CRM
D: 设备位置和作业数据、服务工单
R: 服务工程师和呼叫中心人员
W: 场景实施后，服务响应速度大幅提升，用户满意度显著提高
W: 农忙期间设备故障停机时间明显减少，备件供应保障能力显著增强
W: 服务模式由被动响应转变为主动服务，企业品牌影响力大幅提升
V: 该模式具有很强的推广价值，对农机行业具有重要借鉴意义

@s31
title: 汽车座椅骨架供应链计划协同优化
site: 嘉定工厂及38家核心供应商
start: 2020年1月
go: 2020年10月
inv: 690
P: 主机厂需求计划每周调整，订单变化沿供应链逐级放大，二级供应商的钢材、管材备货不是过多就是不足
P: 与供应商之间通过邮件和Excel传递需求，信息更新滞后2到3天
P: 缺料导致的紧急空运和加班费用每年超过300万元
M: 建设供应链协同平台，主机厂的EDI需求、滚动预测和JIT拉动信号自动导入，转化为企业内部需求计划
M: 基于APS进行物料需求计算，将采购计划按日分解，通过平台推送给38家核心供应商，供应商在线确认产能和交付计划
M: 关键原材料设置安全库存动态模型，根据需求波动和供应商交付稳定性自动调整安全库存水平
M: 平台对供应商交付进行实时跟踪，预计延迟时自动预警，并提供替代供应商建议
T: EDI需求集成、APS物料计划、动态安全库存模型
E: 服务器与网络安全设备
S: 供应链协同平台、APS、ERP、SRM
D: 主机厂需求数据、供应商产能与交付数据
R: 供应链管理部计划员10人，供应商质量工程师6人参与
K: 原材料库存周转天数|天|24|11
K: 供应商交付准时率|%|87|98.2
K: 紧急运输费用|万元/年|320|45
K: 需求信息传递时间|天|2.5|0.1
B: 1460
V: 以主机厂需求为源头、贯通二级供应商的计划协同方式，适合汽车零部件等多级配套行业
V: 动态安全库存模型在需求波动大的行业具有普遍适用性
n: 长春和佛山两个配套基地

@s32
title: 宽带接入终端供应链风险管控
site: 惠州工厂采购与供应链管理中心
start: 2020年10月
go: 2021年5月
inv: 580
O: 公司主要客户包括海泓电信、星川网络、联岳宽带和北极光科技，2020年对上述四家客户的销售额分别为16.2亿元、9.8亿元、6.1亿元和3.4亿元
P: 产品所需芯片、光器件以进口和单一来源为主，2020年下半年起芯片交期从8周延长到40周以上，多次面临停线风险
P: 供应商分布在12个国家和地区，物流、汇率和政策变化对供应的影响缺少提前研判
P: 客户订单集中度高，单一客户需求变化直接传导到供应链
M: 建立物料风险分级模型，从供应来源数量、交期、价格波动和替代难度四个维度对3800余个物料评分，识别出高风险物料126个
M: 对高风险物料实施多源替代，与研发部门联合完成国产芯片和光器件的验证导入
M: 建设供应链风险监测平台，汇集供应商产能、在途物流、港口拥堵和汇率等信息，风险等级变化时自动预警
M: 与核心客户建立滚动需求共享机制，提前锁定关键物料
T: 物料风险分级模型、多源替代验证、供应链风险监测预警
E: 服务器与数据采集设备
S: 供应链风险监测平台、SRM、ERP、PLM
D: 3800余个物料的供应数据、物流与汇率数据、客户需求预测
R: 供应链风险管理小组7人
K: 高风险物料数量|个|126|38
K: 因缺料停线时间|小时/月|46|6
K: 关键物料备选供应商覆盖率|%|35|82
K: 物料风险预警提前期|天|3|21
K2: 其中，与海泓电信签订的2021年度框架合同金额为4.6亿元，主力型号GPON光猫的供货单价为每台86.5元，核心芯片采购单价由每片3.8美元上涨至9.6美元，多源替代后国产芯片采购单价为每片41.5元
B: 2600
V: 物料风险分级与多源替代相结合的方法，对芯片依赖度高的电子整机企业有参考价值
V: 风险监测平台汇集的外部数据源可按行业扩展
n: 越南组装基地

@s33
title: 水泥产品物流实时监测与运输优化
site: 厂区及兰州周边发运网络
start: 2020年4月
go: 2020年12月
inv: 830
P: 水泥和熟料发运依靠社会车辆，进厂排队、过磅、装车全程人工调度，高峰期厂外排队车辆超过200辆
P: 车辆出厂后的运输过程不可见，客户催货时无法告知到货时间，偶有运输途中私自卸货
P: 散装车辆装车量靠司机目测，超载和亏吨并存
M: 建设智慧物流平台，系统总体架构如图1所示，分为车辆预约、厂内调度、在途监控和客户服务四个模块
M: 司机通过手机预约进厂，系统根据库存和装车能力分配时段，车辆到达后自动识别车牌、无人值守过磅
M: 装车环节采用散装机自动定量装车，装车量与订单自动比对
M: 车辆加装北斗定位，平台实时显示在途位置和预计到达时间，偏离路线或异常停车自动报警，监控界面见图2
M: 基于订单分布和车辆位置进行运输路线优化与拼单
T: 车辆预约调度、无人值守计量、北斗在途监控、路线优化
E: 无人值守地磅6套、车牌识别设备18套、散装自动装车机8台
S: 智慧物流平台、ERP、客户服务小程序
D: 车辆轨迹数据、订单数据、计量数据
R: 物流调度员由16人减为6人
K: 车辆平均在厂时间|分钟|210|55
K: 厂外排队车辆|辆|200|30
K: 装车量偏差|%|3.5|0.5
K: 单吨运输成本|元/吨|38|33
B: 960
V: 预约、计量、装车和在途监控一体化的物流管理方式，适合水泥、砂石、化肥等大宗物料生产企业
V: 平台采用小程序接入社会车辆，无需司机安装专用设备
n: 商品混凝土站

@s34
title: 实木家具大规模个性化定制
site: 南康定制家具工厂
start: 2019年10月
go: 2020年12月
inv: 3380
P: 客户对尺寸、材质、颜色的个性化需求越来越多，定制订单比例从三成升到六成，传统批量生产方式难以应对
P: 定制订单拆单依靠设计员手工出图和开料单，一单需要半天，错误率高
P: 定制订单生产周期长达30天以上，客户投诉集中在交期
M: 开发在线设计与报价系统，客户或门店设计师在三维场景中选择款式、调整尺寸和材质，系统实时生成效果图和报价
M: 订单确认后，拆单系统依据参数化产品模型自动生成零部件清单、加工图纸和数控程序，直接下发车间
M: 车间按零部件混合排产，采用数控开料、封边、钻孔和自动分拣，零部件按订单汇集后进入涂装和组装
M: 每个零部件贴二维码，生产状态实时采集，客户可在线查询订单进度
T: 参数化产品建模、自动拆单、柔性混合排产
E: 数控开料机12台、自动封边线6条、数控钻孔中心10台、智能分拣线2条
S: 在线设计报价系统、拆单软件、MES、ERP
D: 参数化产品模型1800余个、订单数据、零部件工艺数据
R: 设计拆单中心12人、工艺工程师8人
K: 订单拆单时间|小时|4|0.2
K: 定制订单交付周期|天|32|15
K: 拆单差错率|%|3.6|0.2
K: 板材利用率|%|82|91
B: 2350
V: 参数化模型驱动的自动拆单和混合排产，是家具企业从批量生产走向定制生产的关键，适合实木和板式家具企业
V: 南康家具产业集群中小企业多，拆单软件已以服务形式向集群内企业开放
n: 软体家具工厂

@s35
title: 航天精密结构件网络协同制造
site: 大兴研制基地及26家外协配套单位
start: 2020年2月
go: 2021年1月
inv: 1320
P: 航天结构件研制批量小、节点紧，约四成工序需要外协完成，外协进度靠电话催问，信息不透明
P: 设计模型、工艺文件与外协单位之间以光盘传递，版本不一致导致返工
P: 外协产品质量数据分散，问题追溯困难
M: 建设网络协同制造平台，采用分级授权和加密传输，向外协单位发布任务、模型和工艺文件，确保版本一致
M: 外协单位通过平台接收任务、反馈进度和上传检验数据，关键工序完工时上传过程记录
M: 平台对外协产能进行统一视图管理，任务根据外协单位的设备能力和当前负荷进行分配
M: 建立协同质量管理流程，外协产品检验数据与企业内部质量数据统一管理
M: 平台为每个外协任务建立电子履历，记录任务下达、模型版本、过程记录和检验结论，型号总师可随时查看
T: 跨企业任务协同、模型数据安全分发、协同质量管理
E: 协同平台服务器、安全网关、外协单位接入终端
S: 网络协同制造平台、PLM、MES、QMS
D: 外协任务数据、三维模型与工艺文件、外协检验数据
R: 外协管理部8人，外协单位接口人26名
K: 外协任务平均周期|天|35|22
K: 因版本错误返工次数|次/年|18|1
K: 外协进度获取时间|小时|48|1
K: 外协产品一次交检合格率|%|91|98.3
B: 780
V: 兼顾数据安全与协同效率的平台模式，适合航空航天、兵器、船舶等外协比例高的研制型企业
V: 外协产能统一视图有助于主机单位培育稳定的配套体系
n: 卫星结构件研制线

@s36
title: 区域铸造共享工厂
site: 泊头铸造共享工厂
start: 2019年5月
go: 2020年10月
inv: 7600
M: 投资建设区域共享铸造工厂，配置砂型3D打印机、中频感应电炉、自动造型线和精加工中心，向周边中小铸造企业提供订单式服务
M: 搭建共享制造服务平台，中小企业在线提交铸件模型和需求，平台自动报价、排产并反馈生产进度
M: 统一熔炼与环保处理，替代周边小企业的分散冲天炉，集中治理粉尘与烟气
M: 平台汇集各成员企业的设备能力，将订单按工艺分包给有闲置产能的企业，统一质量标准和检验
M: 平台为成员企业提供技术培训和工艺咨询服务，组织成员企业联合参加展会承接订单
M: 建立共享工厂运营规则和收费标准，成员企业按使用量付费，平台收益用于设备更新
T: 砂型3D打印、集中熔炼、订单分包调度
E: 砂型3D打印机6台、中频感应电炉8台、自动造型线2条
S: 共享制造服务平台、MES、ERP
D: 订单数据、设备能力数据、质量检验数据
R: 平台运营团队18人
K: 新产品铸件交付周期|天|45|12
K: 成员企业设备利用率|%|46|71
K: 吨铸件综合能耗|千克标准煤|420|330
K: 服务中小企业数量|家|12|86
B: 1900
V: 集中熔炼加分包协同的共享模式，为铸造、锻造、热处理等小散企业集聚区提供了转型路径
V: 砂型3D打印的共享使用降低了中小企业新品开发门槛
n: 周边两个县的铸造集聚区

@s37
title: 工业压缩机远程运维服务
site: 在用离心式和螺杆式压缩机（联网1.1万台）
start: 2019年6月
go: 2020年9月
inv: 1680
P: 压缩机客户分布在钢铁、化工、电子等行业，用户普遍缺少专业运维人员，故障依赖厂家上门
P: 客户对压缩空气系统的能耗关注度高，但缺少数据支撑节能改造
P: 企业收入以设备销售为主，服务收入占比低
M: 建设压缩机远程运维服务平台，联网设备实时上传排气压力、温度、振动和电流等运行参数
M: 提供故障预警、远程诊断和预测性维护服务，按服务等级签订运维协议
M: 为用户提供压缩空气系统能效评估与优化，按节能量分享收益
M: 推出“按用气量付费”的服务模式，企业负责设备投资和运维，用户按实际用气量付费
M: 远程服务中心按行业设立专家坐席，对钢铁、化工、电子用户分别制定巡检和保养标准，服务报告通过平台推送给用户设备主管
T: 设备物联网、远程诊断、能效评估
E: 物联网网关1.1万套、便携式能效测试设备20套
S: 远程运维服务平台、CRM、服务管理系统
D: 设备运行数据、能效数据、服务工单
R: 远程服务中心工程师46名
K: 服务收入占比|%|9|23
K: 用户非计划停机时间|小时/年·台|42|11
K: 用户压缩空气系统能耗|down|14
K: 现场服务次数|次/年|8600|4100
B: 4600
V: 从卖设备到卖服务的转变，为通用设备制造企业拓展服务型制造提供了可参照的路径
V: 按用气量付费模式降低了用户一次性投资，已在电子、纺织行业用户中推广
n: 鼓风机产品

@s91
title: 日用陶瓷成品仓库智能化改造
P: 成品仓库以人工堆放为主，找货慢、盘点难
M: 新建小型立体货架并部署WMS，成品按托盘条码入库，出库由系统指定货位
M: 配置电动叉车2台和手持终端10台
K: 出库找货时间|分钟|25|5
K: 盘点时间|天|3|0.5
V: 投入小，适合中小陶瓷企业

@s90
title: 江南精工隆重举行建厂三十周年庆典暨年度表彰大会
RAW: 金秋送爽，丹桂飘香。2021年10月16日晚，江南精工装备有限公司建厂三十周年庆典暨年度表彰大会在常州市武进区会展中心隆重举行。公司全体干部员工、离退休老同志代表、合作伙伴代表及社会各界嘉宾共一千二百余人欢聚一堂，共同回顾三十年来的奋斗历程，共话企业美好未来。
RAW: ## 三十年砥砺前行
RAW: 晚会在激昂的开场舞《精工之光》中拉开帷幕。公司董事长在致辞中深情回顾了企业的创业历程：1991年，十几名老师傅在一间租来的旧厂房里，用两台旧车床起步，加工第一批滚珠丝杠；此后企业历经搬迁扩建、改制重组，逐步成长为今天拥有员工一千二百余人的精密功能部件制造企业。董事长表示，三十年来，企业始终坚持“精益求精、诚信为本”的经营理念，感谢每一位员工的辛勤付出，感谢合作伙伴的信任与支持。
RAW: 随后，老员工代表、装配车间的王师傅讲述了自己与企业共同成长的故事。他说，刚进厂时每天骑自行车上班，厂房冬冷夏热，如今车间里有了空调和明亮的照明，年轻人也愿意来工厂上班了，自己对企业充满感情。朴实的话语引起了现场许多老同志的共鸣，台下响起了经久不息的掌声。
RAW: ## 表彰先进，树立榜样
RAW: 大会对过去一年涌现出的先进集体和先进个人进行了表彰。装配一车间、质量管理部等8个集体荣获“年度先进集体”称号，52名员工荣获“年度优秀员工”称号，另有15名员工获得“三十年功勋员工”纪念奖章。公司领导为获奖代表颁发了奖杯和证书。获奖代表纷纷表示，将珍惜荣誉、再接再厉，在各自岗位上继续发光发热。
RAW: 青年员工代表在发言中表示，作为企业的新生力量，将虚心向老师傅学习，刻苦钻研业务，争做技术能手，为企业发展贡献青春力量。
RAW: ## 精彩演出，欢聚一堂
RAW: 表彰结束后，由各部门员工自编自演的文艺节目精彩上演。歌曲《我和我的祖国》、小品《车间里的故事》、舞蹈《梦想起航》、诗朗诵《致敬匠心》等节目轮番登场，赢得阵阵喝彩。销售部员工表演的情景剧再现了早年跑市场的艰辛，让不少老员工红了眼眶；质量部的青年员工组成乐队，用一首原创歌曲唱出了对企业的祝福。晚会中间还穿插了幸运抽奖环节，现场气氛热烈。
RAW: 晚会最后，全体演职人员和公司领导一同登台，合唱《明天会更好》，在欢快的歌声中，庆典活动圆满落下帷幕。
RAW: ## 展望未来，再创辉煌
RAW: 站在新的起点上，公司将继续以客户为中心，以员工为根本，努力打造员工幸福、客户满意、社会尊重的百年企业。公司工会表示，下一步还将组织开展职工运动会、亲子开放日等系列活动，丰富员工业余文化生活，增强团队凝聚力和归属感。
RAW: 此次庆典活动得到了地方有关部门和兄弟单位的大力支持，多家合作伙伴发来贺信贺电。公司向所有关心支持企业发展的各界朋友致以衷心感谢，并祝愿大家身体健康、工作顺利、阖家幸福。
RAW: （江南精工装备有限公司党群工作部供稿）
"""
)

CONTENT.append(
    r"""
@f01
site: 番禺整车工厂（冲压、焊装、涂装、总装、电池包五大车间）
P: 新能源车型迭代快，一个平台需要同时支持轿车、SUV多种车型和上百种配置，传统刚性产线难以适应
P: 电池包、电驱等核心部件质量要求高，需要全过程质量数据支撑
P: 订单以线上定制为主，从下单到交付的周期需要压缩到4周以内
X: 09|焊装车间采用柔性主拼台和机器人快换夹具，4种车身可在同一条线上随机混流生产，新车型导入只需增加夹具库位，不再新建产线
X: 17|总装车间按车辆序列实施单台套配送，潜伏式AGV根据工位消耗自动补料，座椅、仪表板等大件由供应商按序供货
X: 24|涂装车间部署漆面缺陷自动检测系统，车身经过检测通道后，颗粒、流挂、橘皮等缺陷被自动识别并在车身三维模型上定位，检测结果推送到打磨工位
X: 31|建设供应商协同平台，向286家供应商实时共享需求计划、库存和质量数据，关键物料按小时拉动
X: 02|以工厂三维模型为基础建设整车工厂数字孪生系统，实时映射五大车间的设备状态和生产进度，新车型导入前在孪生环境中完成产线验证
X: 20|建设能源管理系统，对涂装烘房、空压站等主要用能设备实施分项计量和优化控制，屋顶光伏发电纳入统一调度
T: 柔性焊装、漆面视觉检测、AGV集群调度、工厂数字孪生
E: 工业机器人1180台、AGV120台、漆面缺陷检测系统2套、屋顶光伏12兆瓦
S: MES、PLM、WMS、QMS、能源管理系统、供应商协同平台
D: 工厂数据湖接入设备点位28万个，整车质量数据日均1.2亿条
R: 智能制造部86人，其中数据与算法工程师24人
Q: 工厂主干工业控制系统采用国产PLC和国产工业网络设备，MES、WMS等核心工业软件由国内企业开发，源代码和数据归企业所有
K: 生产效率|up|35
K: 运营成本|down|21
K: 产品研制周期|个月|36|24
K: 产品不良品率|%|1.8|0.6
K: 单位产值能耗|吨标准煤/万元|0.052|0.038
lvl: 四
V: 示范工厂形成的多车型柔性混流和订单驱动的生产组织模式，适用于新能源汽车整车和核心零部件企业
V: 工厂已接待行业参观交流120余批次，主要做法已在集团两个新建基地复制

@f02
site: 日照精品钢基地（烧结、炼铁、炼钢、热轧、冷轧全流程）
P: 全流程工序多、设备大型化，工序之间物流和能源耦合紧密，过去各工序分散控制，整体协同不足
P: 高炉、转炉等核心工艺依赖操作经验，关键质量指标波动较大
P: 设备大型连续化，一旦故障损失巨大，点检工作量大
X: 11|高炉实施专家系统与炉况智能诊断，热风炉实施自动燃烧优化控制，转炉采用副枪加烟气分析的动态终点控制，一键炼钢比例达到92%
X: 06|建立全流程一体化计划系统，订单从合同评审开始即按产线能力和工艺路径分解到炼钢、热轧、冷轧各工序
X: 15|对热轧、冷轧主传动和轧辊系统实施在线监测和故障预测，关键设备的点检由人工为主转为在线监测为主
X: 21|能源管控中心对煤气、蒸汽、电力实施平衡调度，余热余压发电全部并网自用
X: 33|原料码头、料场和厂内铁路、汽车运输接入统一的物流管控平台，车辆和列车实时定位，物流调度自动生成
T: 高炉专家系统、转炉动态终点控制、全流程一体化计划、设备在线监测
E: 工业机器人与专用机器人86台、在线检测仪表2.3万台套、设备状态监测点位4.6万个
S: 制造执行系统、一体化计划系统、能源管控系统、设备管理系统、物流管控平台
D: 全流程工业数据平台，日均采集数据3.2TB
R: 智能制造中心68人，各工序数字化专员120人
Q: 高炉、转炉控制系统采用国产DCS和PLC，计划、制造执行等工业软件均为自主开发或国产软件，关键工业数据存储于企业自建数据中心
K: 劳动生产率|吨钢/人·年|1050|1620
K: 吨钢综合能耗|千克标准煤|582|548
K: 产品质量异议率|‰|1.2|0.45
K: 设备故障停机率|%|1.35|0.52
K: 运营成本|down|12
lvl: 四
V: 全流程一体化计划与工序智能控制相结合的路径，可为长流程钢铁企业提供系统参考
V: 一键炼钢和设备在线监测已形成标准化方案，可在集团内其他基地推广

@f03
site: 大亚湾炼化一体化基地
P: 装置规模大、流程长，炼油与乙烯装置之间物料互供关系复杂，生产优化依靠月度计划模型，调整不及时
P: 危险化学品多、重大危险源集中，安全环保压力大
P: 设备数量超过6万台，检修维护工作量大
X: 11|全厂46套主要装置全部实施先进过程控制，APC投用率保持在95%以上，并在乙烯裂解炉上实施裂解深度在线优化
X: 02|建设覆盖全厂的数字孪生工厂，三维模型与工艺、设备和实时数据关联，用于操作培训、检修模拟和应急演练
X: 19|建设安全风险智能管控平台，对重大危险源、特殊作业和人员定位统一监控，作业票全流程电子化
X: 15|对大机组和关键机泵实施在线状态监测与故障诊断，维修策略由定期维修转为预知维修
X: 22|建设环保监测管控系统，对废气排放口、污水处理和厂界环境实施在线监测，数据与地方生态环境部门联网
X: 16|建设聚烯烃产品智能立体仓库，采用自动包装码垛和立体存储，发货车辆预约进厂
T: 先进过程控制与实时优化、数字孪生、安全风险智能管控、设备预知维修
E: 智能仪表4.1万台、可燃有毒气体检测仪6200台、巡检机器人32台、立体库堆垛机16台
S: 生产执行系统、APC与实时优化软件、数字孪生平台、安全管控平台、设备管理系统
D: 实时数据库位号38万个、三维模型构件420万个
R: 信息与智能制造中心112人
Q: 全厂DCS、SIS主体采用国产化产品，国产化率达到86%，核心工业软件自主可控，重要数据按照集团数据安全规定分级保护
K: 劳动生产率|up|28
K: 高附加值产品收率|%|38.5|43.2
K: 装置非计划停工次数|次/年|7|1
K: 单位产值能耗|吨标准煤/万元|0.61|0.53
K: 运营成本|down|9
lvl: 四
V: 炼化一体化工厂的数字孪生与安全智能管控体系，可为石化基地和化工园区建设提供样板
V: 国产DCS、SIS的规模化应用经验，对流程行业关键控制系统国产化替代具有借鉴作用

@f04
site: 椒江原料药与制剂生产基地
P: 医药生产受GMP严格监管，批记录以纸质为主，数据完整性风险高
P: 原料药合成工艺批次间差异大，收率和杂质波动
P: 多品种共线生产，清洁验证和换批耗时长
P: 环保监管趋严，合成车间溶剂回收和排放管控要求高
X: 25|上线电子批记录系统，原料药和制剂全部产品的批生产记录电子化，物料、设备、人员、环境数据自动关联，质量审核由纸面审核转为系统审核
X: 11|在合成和结晶工序实施过程分析技术（PAT）与先进控制，通过在线拉曼和近红外监测反应终点和晶型，批次收率更加稳定
X: 16|建设原辅料和成品自动化立体库，与电子批记录联动，按质量状态自动控制物料放行
X: 24|固体制剂压片、包装工序部署在线称重和视觉检测，片剂外观缺陷和包装缺陷全数检测
X: 22|合成车间VOCs在线监测并与RTO联锁，废水预处理实施在线监测
T: 电子批记录、过程分析技术、先进控制、视觉检测
E: 在线拉曼光谱仪12台、近红外分析仪18台、立体库堆垛机6台、视觉检测设备40台
S: 电子批记录系统、MES、LIMS、QMS、WMS
D: 批生产数据、PAT光谱数据、检验数据
R: 智能制造办公室26人，质量部计算机化系统验证专员8人
Q: 电子批记录、LIMS等计算机化系统为国产软件，经计算机化系统验证符合GMP要求，关键工艺装备实现国产化替代，知识产权清晰
K: 生产效率|up|31
K: 批记录差错率|%|2.6|0.1
K: 合成工序批次收率|%|78.5|84.2
K: 产品研制周期|down|22
K: 运营成本|down|17
lvl: 三
V: 电子批记录与过程分析技术结合，为化学原料药和制剂企业满足数据完整性要求提供了可行方案
V: 计算机化系统验证文件体系可供同行企业参考

@f05
site: 合肥经开区空调与热泵热水器工厂
P: 家电市场需求碎片化，电商和工程渠道定制订单比例超过四成，小批量多批次成为常态
P: 空调两器（蒸发器、冷凝器）和钣金件生产换型频繁
P: 售后安装维修服务网点分散，服务质量难以管控
P: 热泵热水器新品上市快，新型号的工艺准备时间长
X: 34|搭建用户直连制造平台，用户和工程客户可在线选择外观、能效和功能模块，订单自动生成配置BOM并进入排产
X: 09|总装线采用模块化设计，两器生产线配置快速换型模具，换型时间由40分钟缩短到8分钟
X: 24|整机下线后进行自动化性能检测，制冷量、噪声和电气安全测试数据自动判定，噪声检测采用声学相机定位异音
X: 16|建设成品智能立体库和原材料自动配送中心，成品按订单自动出库装车
X: 29|产品标配联网模块，在用设备的运行故障自动上报，服务工程师接单前即可获取故障代码
T: 用户直连定制、模块化柔性产线、自动化性能检测、产品联网服务
E: 工业机器人320台、自动性能检测台240套、立体库堆垛机12台
S: 用户直连平台、MES、WMS、PLM、服务管理平台
D: 用户订单与配置数据、检测数据、联网设备运行数据
R: 智能制造部55人
Q: 生产线主要控制系统和检测设备采用国产品牌，MES、WMS等工业软件为国内厂商产品，平台数据存储在企业自有数据中心，不存在知识产权纠纷
K: 生产效率|up|38
K: 定制订单交付周期|天|21|9
K: 产品不良品率|%|0.86|0.32
K: 运营成本|down|15
K: 单位产值能耗|down|18
lvl: 四
V: 用户直连加模块化柔性产线的模式，适合空调、冰箱、热水器等多型号家电企业
V: 产品联网数据反哺研发和服务，形成从制造到服务的闭环

@f06
site: 新吴区封装测试工厂
P: 封装测试工序多，晶圆、引线框架、基板等物料批次管理复杂，每天处理的工单超过3000个
P: 测试数据量大但利用不足，良率问题分析周期长
P: 进口设备多，设备数据采集标准不一
P: 客户对交期和质量追溯要求越来越高
X: 07|部署APS，基于设备能力、工艺路径和交期进行全工序排程，插单时在分钟级给出重排结果
X: 24|在划片、装片、键合、塑封后设置AOI和X射线检测，检测数据实时上传
X: 26|建设良率管理系统，关联晶圆测试、封装过程和成品测试数据，自动分析良率损失的主要因素，推动工艺改进
X: 15|通过SECS/GEM接入1600台设备，对关键设备实施状态监测和预测性维护
X: 16|建设晶圆和物料智能仓储，晶圆盒通过天车和自动料架存取，物料先进先出由系统控制
T: 全工序智能排程、自动光学检测、良率大数据分析、设备自动化
E: 封测设备1600台、AOI设备96台、X射线检测设备12台、天车系统1套
S: MES、APS、EAP、良率管理系统、WMS
D: 测试数据日均4亿条
R: 工业工程与自动化部72人
Q: MES、EAP等核心工业软件采用国产产品并自主开展二次开发，源代码归企业所有，关键工艺设备国产化率由18%提高到41%
K: 生产效率|up|27
K: 封装良率|%|99.62|99.88
K: 产品研制周期|天|90|55
K: 运营成本|down|19
K: 单位产值能耗|down|16
lvl: 三
V: 以良率管理为核心的数据驱动改进方法，适合集成电路封测、分立器件和被动元件企业
V: 设备自动化接口规范已向国产设备厂商开放，带动了国产封测设备的验证应用

@f07
site: 鄞州衬衫与西服工厂
P: 量体定制订单占比逐年提高，一人一版、单件流生产对传统服装工厂冲击大
P: 制版依赖版师经验，定制订单制版周期长
P: 缝制工序多、人工密集，工时平衡难
P: 旺季与淡季订单量差距大，人员和产能调配困难
X: 34|建设量体定制平台，门店量体数据和客户款式选择实时传回工厂，智能制版系统根据人体尺寸自动生成个性化版型，一件定制衬衫的制版时间降到3分钟
X: 07|单件定制订单和批量订单混合排产，裁床按订单自动排料，裁片挂上吊挂系统后按工序自动分配到工位
X: 12|缝制环节采用自动缝制单元与人工工位结合，领子、袖口等标准化工序由自动设备完成，复杂工序由熟练工完成，工位屏幕显示每件衣服的个性化工艺要求
X: 16|成品和面辅料实行自动化仓储，定制成品按订单自动挂装和发货
T: 智能制版、自动裁剪、吊挂单件流、人机协作缝制
E: 自动裁床8台、智能吊挂系统12套、自动缝制单元46台、成品挂装立体库1座
S: 量体定制平台、智能制版系统、MES、WMS
D: 人体数据库超过180万人、版型库1.2万个
R: 数字化技术中心42人
Q: 智能制版系统、MES为企业自主开发，拥有软件著作权，吊挂系统和自动缝制设备均为国产装备
K: 生产效率|up|33
K: 定制订单交付周期|天|15|5
K: 产品不良品率|%|2.4|0.9
K: 运营成本|down|14
lvl: 三
V: 量体数据驱动智能制版和单件流生产的模式，适合男装、职业装和校服等定制需求旺盛的服装企业
V: 人体数据库和版型库的积累构成了企业核心竞争力

@f08
site: 和林格尔液态奶工厂
P: 乳品保质期短，对冷链和生产时效要求高
P: 生产线多、包装规格多，计划与物流协调难度大
P: 食品安全监管要求全程可追溯
P: 夏季和节假日需求波动大，各产品的生产和库存难以平衡
X: 25|建立从牧场到终端的质量追溯系统，每一包产品可追溯到奶源牧场、生产线和检验结果
X: 24|灌装线配置在线检测设备，检测封口、液位、日期喷码，不合格品自动剔除
X: 16|建设成品自动化立体库和自动装车系统，产品下线后直接入库
X: 20|对杀菌、灌装、制冷等环节实施能耗监测，建立单位产品能耗模型
X: 31|与经销商和奶源牧场实现计划协同，生鲜乳收购计划与生产计划联动
T: 全程追溯、在线检测、自动化仓储
E: 灌装线28条、在线检测设备56套、立体库堆垛机10台
S: MES、WMS、追溯系统、能源管理系统
D: 生产、质量、能源数据
R: 信息中心和生产技术部相关人员
K: 生产效率|up|24
K: 产品不良品率|%|0.31|0.12
K: 运营成本|down|13
K: 单位产值能耗|down|11
lvl: 三
V: 示范工厂在乳制品行业具有代表性，追溯和自动化仓储的做法可为同行业企业提供参考
V: 计划协同打通了牧场、工厂和经销商，对农牧产业链协同有示范意义

@f09
site: 柳南区装载机与挖掘机工厂
P: 装载机、挖掘机产品型号多，结构件焊接和整机装配的柔性不足
P: 研发与制造数据未打通，设计变更传递慢
P: 产品销往全球，售后服务响应难
X: 09|结构件焊接车间建设柔性焊接生产线，机器人焊接工作站通过快换工装适应20余种结构件
X: 03|推行三维设计与仿真，建立整机参数化模型和模块化平台，新产品开发以平台变型为主
X: 12|整机装配线关键工序采用助力机械手和协作机器人，与装配工协同完成驾驶室、动臂等大部件安装
X: 29|产品装载物联网终端，在线监测设备工况，为用户提供远程故障诊断和保养提醒
X: 17|总装线实施物料精准配送，AGV按装配序列送料
X: 07|建立装配与焊接车间的统一排产，结构件按整机装配序列准时供应，减少中间库存
T: 柔性焊接、模块化研发、人机协同装配、产品远程运维
E: 焊接机器人156台、协作机器人24台、AGV48台、物联网终端8.6万套
S: PLM、MES、WMS、远程运维平台
D: 设计数据、焊接过程数据、设备工况数据
R: 智能制造研究院64人
Q: 焊接机器人、AGV等装备主要采用国产品牌，PLM、MES等软件采用国产软件，安全可控，不涉及知识产权纠纷
K: 生产效率|up|29
K: 产品研制周期|个月|24|15
K: 产品不良品率|%|1.6|0.7
K: 运营成本|down|16
K: 单位产值能耗|down|13
lvl: 三
V: 研发、制造、服务一体化的数字化路径，适合装载机、挖掘机、叉车等工程机械企业
V: 柔性焊接线的快换工装设计已申请专利并在配套企业推广

@f10
site: 高压开关和GIS生产基地
P: GIS产品按工程项目定制，产品结构复杂，工艺设计工作量大
P: 装配质量依赖人工，局部放电等关键性能在出厂试验中不合格时返工成本高
P: 生产设备联网率低，设备状态不透明
P: 工程项目交期紧，设计变更多，生产计划频繁调整
X: 05|建立三维结构化工艺设计平台，基于产品模型自动生成装配工艺和作业指导书
X: 24|GIS装配全过程开展洁净度、扭矩和气体泄漏在线检测，出厂试验数据自动采集判定
X: 09|装配线采用模块化工位和自动导引转运平台，可适应不同电压等级产品混线装配
X: 14|对关键加工和试验设备实施在线运行监测，设备联网率达到95%
X: 25|为每个气室和关键部件建立质量档案，出厂后可追溯到装配过程数据
T: 三维工艺设计、装配过程在线检测、设备联网监测、产品质量追溯
E: 自动导引转运平台24台、在线检测装置80套、设备联网终端320个
S: CAPP、MES、QMS、设备物联平台
D: 工艺数据、试验数据、设备运行数据
R: 工艺与信息化人员46人
Q: 关键试验设备和控制系统采用国产设备，工艺设计和制造执行系统为自主开发，具备自主可控能力
K: 生产效率|up|26
K: 出厂试验一次合格率|%|94.5|99.2
K: 产品研制周期|down|30
K: 运营成本|down|14
lvl: 三
V: 项目型定制产品的三维工艺设计与过程质量管控方法，适合高压开关、变压器等电力装备企业
V: 装配过程检测数据与质量档案为电网用户的设备全寿命管理提供了基础数据

@f11
site: 阳新两条6000t/d熟料生产线及配套矿山
P: 水泥生产连续性强，窑系统操作依赖经验，能耗和排放指标受操作水平影响大
P: 超低排放要求日益严格，环保设施运行数据需要实时上报
P: 石灰石矿山到厂区的运输车辆多，调度效率低
X: 11|烧成系统实施智能控制，回转窑、分解炉、篦冷机协同优化，生料磨和水泥磨实现一键启停和负荷自动调节
X: 20|建立能源管理系统，分工序计量电耗、煤耗和余热发电量，异常能耗自动报警
X: 22|完成超低排放改造，窑尾、窑头排放口和无组织排放点实施在线监测，数据实时上传
X: 15|对回转窑托轮、辊压机、高温风机等关键设备实施振动和温度在线监测，提前发现设备隐患
X: 33|建设矿山到厂区的智能物流系统，矿车北斗定位、无人值守计量和自动调度
T: 烧成智能控制、能源计量与分析、超低排放在线监测、设备状态监测
E: 在线分析仪表60台、设备监测传感器1400个、矿车定位终端86套
S: DCS、能源管理系统、环保监测平台、设备管理系统、智能物流系统
D: 生产运行、能源、排放和设备数据
R: 中控和信息化人员38人
Q: 全厂DCS采用国产系统，智能控制软件为企业与国内高校联合开发，拥有自主知识产权
K: 熟料标准煤耗|千克/吨|106.2|99.8
K: 颗粒物排放浓度|毫克/立方米|18|6
K: 劳动生产率|up|34
K: 运营成本|down|11
lvl: 三
V: 烧成智能控制与超低排放在线监测结合，为水泥行业绿色智能化改造提供了成套做法
V: 矿山物流智能化方案适合矿山与工厂距离较远的建材企业

@f12
site: 龙岗通信设备制造基地
P: 通信设备产品更新快，新品导入周期要求压缩到3个月以内
P: SMT贴装和整机测试环节设备多，数据分散
P: 关键芯片和元器件受外部供应影响大
P: 客户对产品一致性和可追溯性要求高，需要逐台记录生产和测试数据
X: 07|部署APS系统，SMT和组装测试全工序排程，插单响应时间缩短到1小时以内
X: 24|SMT产线配置SPI、AOI和X射线检测，整机测试数据自动判定并上传
X: 12|组装和包装环节采用协作机器人与人工协同，关键工位配置视觉引导
X: 16|建设电子料智能仓储，湿敏元件和高价值芯片实行自动存取和寿命管控
X: 32|建立供应链风险预警机制，关键物料实施多源认证和安全库存动态管理
T: 全工序智能排程、SMT全检、人机协同组装、供应链风险预警
E: SMT产线24条、AOI设备48台、协作机器人60台、智能料仓16套
S: MES、APS、WMS、SRM、供应链风险预警系统
D: 生产测试数据、物料与供应商数据
R: 智能制造部58人
Q: 5G工业网关等核心产品为企业自主研发，MES与APS为国产软件，关键物料国产替代比例达到62%，自主可控水平持续提升
K: 生产效率|up|32
K: 新产品导入周期|天|120|75
K: 产品直通率|%|96.8|99.1
K: 运营成本|down|18
K: 单位产值能耗|down|15
lvl: 三
V: 面向通信设备多品种、快迭代特点的智能工厂建设路径，适合通信终端和网络设备企业
V: 供应链风险预警与国产替代的实践，对电子信息行业具有借鉴意义

@f13
site: 福山数控机床生产基地
P: 数控机床多品种小批量，关键零件加工和整机装配周期长
P: 装配精度依赖钳工经验，熟练技工短缺
P: 用户对机床开动率和服务响应要求越来越高
X: 09|床身、立柱等大件加工建设柔性制造系统，多台加工中心共享托盘库，夜班无人值守运行
X: 12|整机装配引入协作机器人和刮研辅助系统，精度检测数据自动记录
X: 15|对柔性制造系统内的加工中心实施主轴和进给系统健康监测，提前安排维护
X: 03|建立机床产品三维参数化模型库和虚拟样机，新产品开发先在虚拟环境中完成结构和动态性能验证
X: 29|出厂机床标配远程监测模块，为用户提供开动率统计、故障诊断和工艺优化服务
T: 柔性制造系统、人机协同装配、设备健康监测、产品远程运维
E: 柔性制造系统4套、协作机器人18台、激光干涉仪6台、远程监测模块3200套
S: PLM、MES、设备健康管理系统、远程运维平台
D: 加工过程数据、装配精度数据、在用机床运行数据
R: 智能制造部40人
Q: 数控系统采用国产数控系统比例达到70%，MES、PLM为国产软件，远程运维平台为企业自主开发，自主可控
K: 生产效率|up|30
K: 产品研制周期|个月|18|11
K: 整机精度一次合格率|%|89|97.5
K: 运营成本|down|13
lvl: 三
V: 柔性制造系统与远程运维结合，为机床企业从卖设备转向提供整体加工解决方案提供了路径
V: 国产数控系统的批量应用经验可供同行业参考
"""
)

CONTENT.append(
    r"""
@s02b
title: 物联网模组SMT工厂数字孪生建设
site: 宝安工厂SMT车间（贴片线32条）及后段组装测试车间
start: 2019年9月
go: 2021年3月
inv: 5860
P: SMT车间32条贴片线的设备来自7个品牌，贴片机、印刷机、回流焊、AOI各自独立运行，设备状态和工艺数据分散，管理人员无法在一个界面上看到整个车间的运行情况
P: 物联网模组订单批量小、型号多，每天换线20次以上，换线准备依靠经验，首件确认时间长
P: 锡膏印刷、贴装偏移等工艺问题往往在AOI检出后才发现，缺陷根因分析需要工程师逐台调取设备日志，耗时数小时
P: 新产线规划和布局调整缺少仿真手段，2019年新建的两条产线投产后又因物流路径不合理进行了二次改造
M: 以车间三维模型为底座，建立设备、产线、物料、人员四类孪生对象，按照统一的数据模型将32条产线的设备接入孪生平台，几何模型与实物偏差控制在10毫米以内
M: 开发多品牌设备数据适配器，通过设备通信协议和日志解析方式采集贴片机抛料、吸嘴状态、印刷参数、炉温曲线和AOI检测结果，数据刷新周期1秒
M: 在孪生平台上建立换线仿真功能，根据下一工单的程序、飞达和钢网需求，自动计算换线准备清单和最短换线路径，并在三维场景中指导备料人员作业
M: 建立印刷—贴装—回流—检测全链路质量关联模型，AOI检出缺陷后，系统自动回溯同一拼板在前道工序的工艺参数，给出可能的根因排序
M: 新产线规划和布局调整先在孪生环境中进行物流和产能仿真，对比多个方案后再实施
T: 三维孪生建模、多品牌设备数据适配、换线仿真、全链路质量关联分析
E: 贴片机186台、锡膏印刷机32台、回流焊炉32台、AOI与SPI设备64台、边缘服务器12台
S: 数字孪生平台、MES、APS、SPC质量分析系统、产线仿真软件
D: 设备实时数据点位约9.6万个，日均数据量约85GB，历史工艺与质量数据两年
R: 成立数字孪生项目组，工艺工程师12名、软件工程师9名、数据工程师4名
L: 项目实施分为四个阶段。第一阶段为现状调研与总体设计，用时约四个月，项目组逐条产线梳理了设备型号、通信接口、数据项和现有系统，形成了设备数据字典和孪生对象模型，明确了平台的功能边界与接口规范。第二阶段为数据接入与建模，用时约六个月，完成了32条产线全部设备的数据接入和车间三维建模，对不具备通信接口的老旧设备通过加装采集盒和解析设备日志的方式获取数据。第三阶段为应用开发，围绕换线、质量、产能三条主线开发了12个孪生应用。第四阶段为试运行与推广，先在4条产线试点，稳定运行两个月后推广到全车间。
L: 在数据接入过程中，项目组遇到的主要困难是不同品牌设备的数据定义不一致。例如同样是抛料，有的设备按吸嘴统计，有的按飞达统计，有的只给出总数。为此项目组制定了企业内部的SMT设备数据规范，对抛料率、贴装偏移、炉温等62个关键数据项统一了名称、单位和计算口径，数据适配器在采集时完成转换，保证平台上的指标可以横向比较。该规范已提交行业协会，作为团体标准的参考素材。
L: 换线仿真是本项目投入最大、效果最直接的应用。系统在每个工单开始前两小时，根据APS下发的工单顺序，比对当前产线上的飞达、吸嘴、钢网与下一工单的需求，列出需要更换的物料和工装，并按照备料区的货架位置规划最短拣选路径。备料人员佩戴手持终端，按系统提示逐项备料和扫码核对。换线时，操作人员在孪生场景中可以看到每一个飞达站位的目标状态，减少了错料和漏料。
L: 全链路质量关联分析方面，项目组整理了两年的历史缺陷数据，共标注缺陷样本3.8万条，建立了锡膏体积、贴装偏移量、回流峰值温度等参数与桥连、虚焊、立碑等缺陷之间的关联模型。系统上线后，工程师不再需要逐台设备调取日志，缺陷根因分析由原来的平均3.5小时缩短到20分钟左右。对于反复出现的缺陷，平台会自动生成改善任务并跟踪关闭情况。
L: 在产线规划方面，2020年新建的4条产线全部在孪生环境中进行了布局仿真。项目组对比了直线型、U型和双线并行三种布局，对物料配送距离、人员走动距离和产线平衡率进行了量化评估，最终选择了双线并行布局。新产线投产后未发生二次改造，设备到位至量产的时间由过去的45天缩短到26天。
L: 在组织保障方面，公司成立了由总经理任组长的数字化转型领导小组，制造中心、信息中心和质量部的负责人任副组长，每两周召开一次项目推进会。项目组实行工艺工程师与软件工程师结对开发的方式，需求由一线提出、由一线验收，保证了应用的实用性。公司同时修订了产线管理制度，将孪生平台数据作为产线绩效考核的依据。
L: 在人才培养方面，项目期间共开展数字孪生、数据分析、SMT工艺等培训46场，培训人员累计820人次，培养了一支既懂SMT工艺又懂数据分析的复合型队伍。公司与本地高校共建了电子制造数字化联合实验室，每年接收实习生30名左右，为后续项目储备人才。
L: 在数据安全方面，孪生平台部署在企业内网，与办公网络逻辑隔离，设备数据经边缘服务器汇聚后进入平台，外部访问须经堡垒机和双因子认证。平台按角色划分数据权限，客户产品程序和工艺文件实行加密存储，满足客户对知识产权保护的要求。
L: 下一步，公司计划把孪生平台延伸到后段的组装、测试和包装工序，实现从贴片到成品出货的全流程孪生；同时探索把孪生平台与客户的研发系统对接，在新产品设计阶段就开展可制造性仿真，进一步缩短新产品导入周期。公司还将总结本项目的数据规范和实施方法，为园区内的中小电子制造企业提供咨询服务。
L: 在效益核算方面，项目组以上线前六个月和上线后六个月的数据进行对比，统计口径由财务部门审核确认。换线时间缩短带来的产能释放约相当于新增2条贴片线，按设备投资折算节约固定资产投入约2400万元；缺陷根因分析时间缩短和直通率提高减少了返修人工和报废损失；产线规划仿真避免了二次改造费用。上述效益均已纳入公司年度经营分析报告。
L: 在技术路线选择上，项目组比较了采购国外成熟孪生软件和基于国产平台自主开发两种方案。考虑到设备品牌多、定制需求多以及数据安全要求，最终选择以国产三维引擎和工业互联网平台为基础进行自主开发，核心数据模型和应用源代码归企业所有，便于后续持续迭代，也降低了软件许可费用。
K: 换线时间|分钟|48|19
K: 首件确认时间|分钟|35|12
K: 缺陷根因分析时间|小时|3.5|0.3
K: SMT直通率|%|97.6|99.3
K: 产线设备综合效率（OEE）|%|63|78
B: 3420
V: 多品牌设备统一接入和换线仿真的做法，适合型号多、换线频繁的电子制造服务企业
V: 全链路质量关联模型可直接应用于其他SMT工厂，数据规范具有通用性
n: 东莞分厂的8条贴片线

@s21
title: 钢铁全流程能源动态平衡与优化调度
site: 能源管控中心（覆盖煤气、蒸汽、电力、氧氮氩、水五大介质）
start: 2019年6月
go: 2020年12月
inv: 6800
P: 高炉、转炉、焦炉三种副产煤气产生量随生产节奏大幅波动，煤气柜调节能力有限，高峰时段煤气放散，低谷时段又需外购天然气补充
P: 蒸汽管网压力波动大，自备电厂发电负荷调整依靠调度员电话指挥，煤气、蒸汽、电力之间的平衡缺少整体优化
P: 峰谷电价差较大，用电大户制氧机、轧钢主电机的运行安排没有考虑电价因素，外购电成本偏高
P: 能源数据分散在多个系统，日报靠人工汇总，能源计划与生产计划脱节
M: 整合分散的能源监控系统，建设统一的能源管控中心，接入计量点位2.1万个，覆盖五大能源介质的产生、输送、储存和使用全过程
M: 建立副产煤气产生量和消耗量预测模型，根据高炉、转炉和轧钢生产计划，滚动预测未来4小时的煤气平衡趋势，预测误差控制在5%以内
M: 以煤气零放散和外购能源成本最低为目标，建立煤气—蒸汽—电力多介质耦合优化调度模型，每15分钟给出煤气柜位、锅炉负荷和发电机组的调整建议
M: 结合分时电价，对制氧机组、空压站和轧钢加热炉的运行进行优化排程，把可转移负荷安排到谷段运行
M: 建立能源绩效考核体系，按工序、班组核算能耗指标，与生产计划同步编制月度能源计划
T: 多介质能源产耗预测、耦合优化调度、分时电价负荷转移
E: 计量仪表与数据采集装置、能源管控中心大屏系统、煤气柜位监测装置
S: 能源管控系统、能源优化调度软件、实时数据库、MES
D: 2.1万个计量点位的实时数据、五年能源历史数据、生产计划数据
R: 能源管控中心调度员18人，能源优化工程师7人
L: 能源管控中心建设前，公司在烧结、炼铁、炼钢、轧钢和动力各厂分别建有能源监控系统，共计11套，数据标准、采集周期各不相同，部分计量仪表精度不满足贸易结算和考核要求。项目第一阶段用了八个月时间完成计量体系的整改，更换和新增流量计、电能表等计量仪表3600余台，对煤气、蒸汽计量实施温压补偿，主要能源介质的计量准确度达到国家标准规定的等级要求。
L: 在煤气平衡方面，公司有高炉煤气柜、转炉煤气柜和焦炉煤气柜各一座，煤气用户包括烧结点火炉、热风炉、轧钢加热炉、石灰窑、自备电厂锅炉等40余个。项目组对每个用户的煤气需求特性进行了分析，区分为刚性用户、可调用户和缓冲用户三类。优化调度模型优先保证刚性用户，利用自备电厂锅炉和可调用户吸收煤气波动，当预测煤气柜位将超出安全范围时提前调整缓冲用户负荷，从而实现煤气零放散。
L: 在蒸汽平衡方面，公司蒸汽来源包括干熄焦余热锅炉、烧结余热锅炉、转炉汽化冷却和自备电厂抽汽，用户包括真空精炼、生活区供暖和各厂工艺用汽。过去蒸汽管网压力波动时，只能依靠电厂调整抽汽量，经常出现低压管网放散。项目建立了蒸汽管网水力热力仿真模型，调度员可以在模型上模拟不同调整方案的效果，再下达操作指令，低压蒸汽放散基本消除。
L: 在电力平衡方面，公司自备电厂装机容量35万千瓦，外购电按分时电价结算。优化调度模型综合考虑煤气平衡、蒸汽需求和分时电价，给出发电机组负荷计划和可转移负荷的排程建议。制氧机组在谷段增加液态产品产量、在峰段适当减产，空压站按峰谷时段调整运行台数，轧钢加热炉在峰段采取保温待轧策略，合计可转移负荷约4.2万千瓦。
L: 在能源计划与生产计划协同方面，能源管控系统与MES实现了数据互通，生产计划下达后，系统自动测算各工序的能源需求，提前发现能源供需缺口。遇到高炉休风、转炉检修等计划停产，系统提前两天编制能源平衡方案，避免了过去因信息不对称造成的能源浪费。
L: 在组织与制度方面，公司对能源管理体制进行了调整，将原先分散在各厂的能源调度职能集中到能源管控中心，实行“一级调度、集中管控”。中心实行四班三运转，每班配置煤气、蒸汽、电力调度员各一名和值班长一名。公司制定了《能源管控中心调度规程》《能源计量管理办法》《能源绩效考核办法》等11项制度，明确了各厂和能源管控中心的职责分工。
L: 在考核激励方面，公司把吨钢综合能耗、煤气放散率、自发电比例等指标纳入各厂和班组绩效，节能收益的一定比例用于奖励。考核数据全部来自能源管控系统，避免了人工统计的争议。实施一年多来，各厂主动提出节能改进建议320余条，已实施210条。
L: 在人才培养方面，项目组与国内高校合作，对调度员开展能源系统优化、数据分析等专题培训，并建立了调度员技能等级评定制度。能源优化工程师全程参与模型开发，掌握了模型维护和参数调整能力，保证系统上线后能够持续优化。
L: 项目实施过程中也暴露出一些问题。例如，部分老旧用户的调节手段有限，优化建议无法完全执行；煤气产生量预测在高炉异常炉况下误差偏大。针对这些问题，公司计划在下一阶段对部分加热炉和锅炉实施燃烧控制改造，提高负荷调节能力，并引入高炉炉况数据改进预测模型。
L: 下一步，公司将在能源管控中心基础上，建设碳排放监测与核算系统，将能源数据与碳排放数据统一管理，支撑企业碳达峰行动方案的制定与实施；同时研究余热资源的深度回收利用，探索与周边企业和城市供热系统的能源互济。
L: 在技术路线选择上，项目组比较了基于规则的专家系统和基于数学规划的优化模型两种方案。专家系统容易理解但难以处理多介质耦合，数学规划模型求解质量高但对数据质量要求高。最终采用了两者结合的方式：以混合整数规划模型求解全局平衡方案，以专家规则处理异常工况和安全约束，调度员可以查看每一条建议背后的约束和计算依据，增强了对系统的信任。
L: 在系统架构上，能源管控系统分为数据采集层、数据平台层、模型应用层和展示层。数据采集层通过工业网络汇集各厂计量数据和设备状态；数据平台层建设了实时数据库和历史数据仓库，数据保存期限为十年；模型应用层部署预测、优化、考核等模型；展示层为调度员、各厂管理人员和公司领导提供不同视图。系统采用双机热备，关键服务器和网络设备冗余配置，保证能源调度不中断。
L: 项目验收阶段，公司邀请行业协会和高校专家组成验收组，对计量体系、模型精度和运行效果进行了现场核查，认为系统功能完整、运行稳定，煤气平衡预测和优化调度的技术指标达到了设计要求，同意通过验收，并建议在行业内交流推广。
K: 副产煤气放散率|%|3.2|0.4
K: 吨钢综合能耗|千克标准煤|568|542
K: 自发电比例|%|62|78
K: 外购电费用|万元/年|46500|39800
B: 9600
V: 多介质耦合优化调度方法适用于钢铁、焦化、有色等副产能源丰富的长流程企业
V: 能源预测模型和优化调度规则已形成标准化模块，可在集团其他基地复制
n: 集团另外两个钢铁基地
"""
)


_README_HEAD = """\
# Demo corpus (`data/demo/`)

**All companies, people, customers, products and figures in this corpus are fictional.** Any
resemblance to a real enterprise is coincidental. The texts imitate the structure of 2021-round
智能制造优秀场景 / 示范工厂 申报材料 so that every page of the product has something to show; they are
not real submissions and must not be cited as such.

The corpus is generated by `tools/build_demo_corpus.py` from hand-written, submission-specific content
blocks and seeded phrasing choices. Regenerate it with

    python tools/build_demo_corpus.py            # rewrites data/demo/
    python tools/build_demo_corpus.py --out DIR  # writes a copy elsewhere

The output is deterministic: .txt/.md/.csv/.json files are byte-identical between runs; .docx/.xlsx
files have identical text (their zip timestamps differ). `tests/test_demo_corpus.py` checks this.

## Layout

| path | what |
|---|---|
| `submissions/` | one file per submission: .docx (python-docx, real Heading 1/2 styles, some with a results table), GBK-encoded .txt, UTF-8 .txt and .md |
| `submissions/_metadata.csv` | UTF-8 with header `file,标题,申报单位,地区,地区类型,行业,类型,申报场景/揭榜任务,年度`; one row per file in `submissions/` |
| `batch/demo_batch_2022.xlsx` | one sheet (`申报汇总`), header row `标题,申报单位,地区,地区类型,行业,类型,申报场景/揭榜任务,年度,正文`, one row per submission (a 2022 platform export) |
| `manifest.json` | ground truth for every submission (files and workbook rows), see below |
| `_template_sentences.txt` | the shared template sentences (one per line; the leading `_` keeps it out of ingestion) |

Metadata values: 类型 ∈ 优秀场景 / 示范工厂; 地区类型 ∈ 省级 / 计划单列市 / 兵团 / 中央企业 (for 中央企业 the 地区
column holds the group's name); 行业 is a GB/T 4754-2017 manufacturing division name; 申报场景/揭榜任务 is the
scenario name of the 2021 guide or the 揭榜 task name, exactly as in `scenario_guide_2021.csv` /
`factory_tasks_2021.csv` (scenario codes `G21-NN` by scenario number, task codes `T21-NN` by row order).
Some submissions deliberately claim a scenario their text does not describe (`misclaimed` in the manifest).

## Manifest fields

| field | meaning |
|---|---|
| `file` | path relative to `data/demo/`; workbook rows are `batch/demo_batch_2022.xlsx#row=N` where N is the spreadsheet row number (the header is row 1, so the first submission is row=2) |
| `title`, `applicant` | 标题 and 申报单位 |
| `kind`, `kind_zh` | `scenario` / `factory` and 优秀场景 / 示范工厂 |
| `region`, `region_type`, `industry`, `year` | as in the metadata |
| `claimed`, `claimed_code` | the claimed scenario or task name, and its code |
| `true_scenarios` | the scenario codes the text really describes, primary first (factories: every scenario built) |
| `true_link` | the 环节 of the primary true scenario |
| `true_task` | factories: the task code (`T21-NN`), else null |
| `family`, `family_role`, `family_source` | planted duplicate family id, role (original / verbatim / light_edit / paraphrase / section_copy) and the `file` of the family's original; null outside families |
| `weak` | finding codes a good checker should raise (see below); empty for normal texts |
| `off_topic`, `misclaimed` | booleans |
| `format`, `encoding` | docx / txt / md / xlsx; `utf-8`, `gbk`, or null for docx/xlsx |
| `templates` | which shared template sentences (T1–T3) the text contains |
| `zishu` | 字数 of the text (rule below) |

Finding codes used in `weak`: LEN001 over 3000 字; LEN002 too short; STR001 missing canonical part;
QNT001 no quantified results; QNT003 before/after figures contradict the stated change; VAG001 vague claims
without numbers; BOI001 boilerplate copied from the guide/notice; ELM001 实施要素 missing; SEC001 factory
without 安全可控 statement; CON001 possible 商业秘密; FIG001 figure referenced but absent; CLS001 claimed
scenario disagrees with the text.

字数 rule used here: each CJK character and each full-width punctuation mark counts 1; each run of other
non-space characters (a Latin word, a number such as `2.1%`) counts 1. Normal texts have 1200–2800 字.

## Structure of the texts

Normal texts follow the 申报 structure 企业概况 / 场景概述（痛点）/ 实施内容（实施方法、实施要素：技术、装备、软件、
数据、人员）/ 实施成效 / 推广价值, with varied heading wording (e.g. 企业基本情况, 场景需求与痛点, 主要做法与实施内容,
应用成效, 复制推广价值) and styles (`一、` with `（一）`, `【企业概况】`, `1.` with `1.1`, `一、` with `1.`; Markdown
`##`/`###` in .md files; Heading 1/2 in .docx). 示范工厂 texts name their 揭榜 task, describe 4–6 scenarios and
report 生产效率 / 运营成本 / 研制周期 / 不良品率 / 单位产值能耗-type indicators and a GB/T 39116 self-assessment level.

## Shared template sentences (not a family)

These sentences appear in many unrelated texts, as real submissions share stock phrases; a similarity
engine should treat them as boilerplate and must not join those texts into a family:

"""


def readme(manifest: list[dict]) -> str:
    """Render data/demo/README.md (prose plus tables computed from the manifest).

    Args:
        manifest: the manifest entries.

    Returns:
        The README text.
    """
    out = [_README_HEAD]
    for k, v in TEMPLATE_SENTENCES.items():
        n = sum(1 for m in manifest if k in m["templates"])
        out.append(f"- {k} ({n} texts): {v}\n")
    kinds = defaultdict(int)
    for m in manifest:
        kinds[(m["kind_zh"], m["year"])] += 1
    fmts = defaultdict(int)
    for m in manifest:
        fmts[m["format"] + ("-" + m["encoding"] if m["encoding"] else "")] += 1
    links = {SCENARIOS[c][1] for m in manifest for c in m["true_scenarios"]}
    out.append("\n## Counts\n\n| kind | year | texts |\n|---|---|---|\n")
    for (k, y), n in sorted(kinds.items()):
        out.append(f"| {k} | {y} | {n} |\n")
    out.append(
        f"\n{len(manifest)} submissions; {len({m['region'] for m in manifest})} regions "
        f"({', '.join(sorted({m['region_type'] for m in manifest}))}); "
        f"{len({m['industry'] for m in manifest})} industries; {len(links)} of 15 环节 covered.\n\n"
        "Formats: " + ", ".join(f"{k} {v}" for k, v in sorted(fmts.items())) + ".\n"
    )
    out.append(
        "\n## Planted duplicate families\n\n| family | role | file | applicant | year |\n|---|---|---|---|---|\n"
    )
    fams = sorted(
        (m for m in manifest if m["family"]), key=lambda m: (m["family"], m["family_role"] != "original")
    )
    for m in fams:
        out.append(
            f"| {m['family']} | {m['family_role']} | `{m['file']}` | {m['applicant']} | {m['year']} |\n"
        )
    out.append(
        "\nF01 verbatim copy under another name and format; F02 light edits (names, a few words, nudged figures) "
        "and an evasion copy (half-width punctuation, inserted ordinary/ideographic/zero-width spaces, Cyrillic "
        "homoglyphs in Latin abbreviations, full-width digits); F03 sentence-by-sentence paraphrase; F04 the "
        "实施内容 section copied into an otherwise different text; F05 a 2022 text that copies a 2021 one "
        "(historical comparison, dates moved one year); F06 a 2022 verbatim copy of a 2021 text in the workbook.\n"
    )
    out.append("\n## Weak, misclaimed and off-topic texts\n\n| file | weak | note |\n|---|---|---|\n")
    for m in manifest:
        if m["weak"] or m["off_topic"] or m["misclaimed"]:
            note = []
            if m["off_topic"]:
                note.append("off-topic")
            if m["misclaimed"]:
                note.append(
                    f"claims {m['claimed']}, describes {SCENARIOS[m['true_scenarios'][0]][0] if m['true_scenarios'] else 'no scenario'}"
                )
            out.append(f"| `{m['file']}` | {', '.join(m['weak'])} | {'; '.join(note)} |\n")
    out.append(
        "\nBOI001: the text pastes two paragraphs of the 2021 notice and its 实施方案 (background and 申报条件) "
        "into its 场景概述. FIG001: refers to 图1 and 图2, which do not exist. CON001: names customers with "
        "sales figures, a contract amount and unit prices. QNT003: says 吨布综合能耗 降至 while the figures rise. STR001: the 精准营销 text has no 企业概况 and no 推广价值; "
        "the 共享制造 text has no 场景概述（痛点）. ELM001: the 精益生产管理 text has methods but no 实施要素. "
        "SEC001: the only factory without any 安全可控/自主可控 statement.\n"
    )
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: build the corpus and print a summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="target directory (default: data/demo)")
    args = ap.parse_args(argv)
    manifest = build(args.out)
    n_fac = sum(1 for m in manifest if m["kind"] == "factory")
    print(f"{len(manifest)} submissions ({n_fac} factories) written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
