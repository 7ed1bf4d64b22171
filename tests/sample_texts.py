"""Sample submissions shared by the service, page and browser tests (small, real-shaped texts)."""

# a quality-traceability scene; {co} is the company (two companies make a near-duplicate pair)
BASE = """一、企业概况
{co}成立于2008年，主要生产汽车变速箱齿轮，年产值12亿元，员工一千二百人。
二、场景概述
车间质量数据分散在纸质记录中，一旦出现客户投诉，追溯一个批次需要两天时间，召回范围难以确定。
三、实施内容
公司部署制造执行系统与质量管理系统，为每个批次生成追溯码，采集热处理炉温、机加工参数和检测数据，实现从原材料到成品的正反向追溯。引入机器视觉检测设备对齿面缺陷进行在线检测。
四、实施成效
不良品率由2.1%降至0.8%，追溯时间由48小时缩短到10分钟，客户投诉下降40%。
五、推广价值
该模式可在汽车零部件行业推广。
"""
# a petrochemical demo factory
FACTORY = """一、企业概况
{co}生产聚乙烯和聚丙烯，拥有两套大型装置。
二、实施内容
部署DCS与APC先进过程控制系统，建立能耗模型，对蒸汽、电力进行实时优化调度，建设数字孪生工厂，实现虚实映射。
三、实施成效
单位产品综合能耗降低12.5%，年节约标煤3000吨。
"""
# markup in the title line: must show as text and never run
XSS = """<script>alert('x')</script>设备预测性维护
一、场景概述
关键设备突发故障导致停机。
二、实施内容
在主轴和电机上安装振动传感器，采集数据后建立故障预测模型，提前安排维修。
三、实施成效
设备故障停机时间降低20%，维修成本降低15%，管理水平显著提升。
"""
