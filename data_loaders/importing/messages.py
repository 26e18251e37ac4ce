"""Every Chinese text the import shows a user: error templates, mode descriptions, template help."""

from __future__ import annotations

# -- error messages -------------------------------------------------------------------------------
# Templates are filled with str.format; the names in braces are documented next to each group.

# File-level problems ({name}, {size_mb}, {limit_mb}, {kinds}).
TOO_LARGE = "文件大小为{size_mb:.1f} MB，超过上限{limit_mb:g} MB，未读取。请拆分后分批导入。"
EMPTY_FILE = "文件是空的。"
UNREADABLE_EXCEL = "无法读取Excel文件（文件可能已损坏或加密）：{reason}"
UNKNOWN_ENCODING = "无法识别CSV文件的编码（支持UTF-8、带BOM的UTF-8、GBK和UTF-16“Unicode文本”），请在Excel中另存为“CSV UTF-8”后重试。"
NO_HEADER = "没有找到表头：前{rows}行中找不到可识别的列名。请使用导入模板，或保证表头包含模板中的列名。"
UNKNOWN_KIND = "无法判断文件类型（农户花名册、排查记录、重点群体名单、乡镇节点或风险区图层），请在导入时选择类型。"
NOT_A_TABLE_KIND = "“{kind}”不是表格类数据，没有Excel模板。"
MIXED_KINDS_NOT_ALLOWED = "本次选择的导入类型是“{kind}”，但这个文件看起来是“{detected}”。"
A_SPREADSHEET = "表格文件"  # {detected} for a spreadsheet offered as a hazard layer
WHOLE_DISTRICT = "本区"  # {town} when a hazard layer's village name is ambiguous district-wide
NO_DATA_ROWS = "表头下没有数据行。"

# Header problems ({header}, {aliases}, {other}, {label}).
MISSING_COLUMN = "缺少必填列「{header}」（也可写作：{aliases}）。"
DUPLICATE_COLUMN = "「{header}」与「{other}」都表示“{label}”，请只保留一列。"

# Cell problems ({header}, {value}, {allowed}, {low}, {high}, {rows}, {town}, {other_town}, ...).
REQUIRED = "「{header}」不能为空。"
ID_STORED_AS_NUMBER = (
    "证件号码被存成了数字（显示为{value}），Excel只保留15位有效数字，末几位已经丢失，无法恢复。"
    "请把该列单元格格式设为“文本”后重新录入或重新导出，或在号码前加英文单引号'。"
)
CODE_STORED_AS_NUMBER = (
    "「{header}」被存成了数字（显示为{value}），超过15位的数字在Excel中末几位已经丢失。"
    "请把该列单元格格式设为“文本”后重新录入或重新导出，或在前面加英文单引号'。"
)
ID_FORMAT = "证件号码应为18位（17位数字加1位数字或X）。"
ID_CHECK_DIGIT = "证件号码校验位不符（GB 11643），号码中有录错的数字，请与原始证件核对。"
NOT_A_DATE = "无法识别的日期，请写成2024-08-23、2024/8/23、2024.8.23或2024年8月23日，或使用Excel日期格式。"
NOT_A_NUMBER = "「{header}」应为数字。"
NOT_AN_INTEGER = "「{header}」应为整数。"
NOT_YES_NO = "「{header}」只能填“是”或“否”（也可写Y/N、√/×、1/0、有/无）。"
NOT_ALLOWED = "「{header}」的值不在允许范围内，允许的值：{allowed}。"
NOT_POSITIVE = "「{header}」应为正整数（至少为1）。"
NEGATIVE = "「{header}」不能为负数。"
TOO_MANY_MEMBERS = "「{header}」为{value}，超出合理范围（{low}到{high}人）；请检查是否录错或多输了位数。"
MONEY_TOO_LARGE = "「{header}」为{value}元，超出合理范围（{low}到{high:,.0f}元）；请检查是否多输了位数或单位不是元。"
LON_OUT_OF_RANGE = ("经度应在{low:g}到{high:g}之间（{district}范围外扩{margin:g}度，WGS-84坐标）；"
                    "请检查是否填反了经纬度、用了投影坐标或填成了外地的位置。")
LAT_OUT_OF_RANGE = ("纬度应在{low:g}到{high:g}之间（{district}范围外扩{margin:g}度，WGS-84坐标）；"
                    "请检查是否填反了经纬度、用了投影坐标或填成了外地的位置。")
DATE_OUTSIDE_CAMPAIGN = "日期不在本次集中排查期间（{low}至{high}）内。"
DATE_OUTSIDE_YEAR = "日期不在{year}年内，请检查年份。"
DATE_OUTSIDE_MONITORING = "日期应在{low}至{high}之间（防止返贫监测机制建立以来、本次排查年度结束以前），请检查年份。"
DUPLICATE_HOUSEHOLD = "户编号重复：同一户在本次导入中出现了多次（{rows}）。"
DUPLICATE_TOWN = "同一乡镇(街道)在本次导入中出现了多次（{rows}）。"
DUPLICATE_ZONE = "区域编号重复：同一编号在本次导入中出现了多次（{rows}）。"
ROW_REF = "{file}第{row}行"
ROW_REF_SAME_FILE = "第{row}行"
UNKNOWN_TOWN = "未知的乡镇(街道)「{value}」，本区的乡镇(街道)有：{allowed}。"
UNKNOWN_VILLAGE = "未知的村(社区)「{value}」：在本区的区划中找不到这个名称或代码。"
VILLAGE_OF_OTHER_TOWN = "村(社区)「{value}」不属于{town}，它属于{other_town}。"
AMBIGUOUS_VILLAGE = "「{value}」在{town}对应多个村(社区)（{candidates}），请填写全称或12位区划代码。"
HOUSEHOLD_UNKNOWN = "户编号「{value}」不在农户花名册中（库中和本次导入中都没有），请先导入该户，或核对户编号。"
KEY_GROUP_NO_KEY = "户编号和户主证件号码至少要填一个，才能匹配到农户。"
KEY_GROUP_NO_MATCH = "按{by}「{value}」找不到农户（只匹配户编号或户主证件号码）。"
KEY_GROUP_AMBIGUOUS = "户主证件号码「{value}」对应多户（{households}），请改填户编号。"
KEY_GROUP_CONFLICT = "户编号「{household}」与证件号码「{value}」不是同一户（该证件号码属于{other}）。"
BY_HOUSEHOLD_ID = "户编号"
BY_ID_NUMBER = "户主证件号码"

# Writing ({kind}, {rows}, {reason}).
PROGRESS_APPLYING = "正在写入{kind}（{rows} 行）……"
PROGRESS_COMMITTED = "写入完成，已提交。"
DATABASE_FAILED = ("写入数据库时出错，本次导入已全部撤销，库中数据未改变。请把本条信息告知系统管理员"
                   "（数据库报告：{reason}）。")

# Hazard layers ({value}, {crs}).
GEOMETRY_COLUMN = "图形"  # the "column" an issue with a feature's geometry points at
UNREADABLE_LAYER = "无法读取图层文件（支持GeoJSON和打包成zip的Shapefile）：{reason}"
NO_FEATURES = "图层中没有要素。"
NOT_POLYGON = "几何类型为{value}，只接受面（Polygon/MultiPolygon）。"
NO_GEOMETRY = "该要素没有几何图形（或图形为空）；风险区必须是面（Polygon/MultiPolygon），请补画图形后重新导入。"
MISSING_DBF = ("压缩包中的Shapefile「{value}」缺少属性表文件（.dbf），或.dbf无法读取，风险区的编号、名称、"
               "等级都会丢失。请把同名的.shp、.shx、.dbf、.prj一起打包后重新导入。")
MISSING_CRS = "图层没有坐标系信息（Shapefile缺少.prj文件），且坐标不像经纬度，无法定位。请附上.prj文件或转为WGS-84后重试。"
BAD_CRS = "无法从坐标系{crs}转换到WGS-84：{reason}"
GEOMETRY_OUT_OF_RANGE = "图形坐标超出中国范围（经度73–135，纬度18–54），请检查坐标系是否正确。"

# -- import modes (shown before the user confirms) -------------------------------------------------
MODES = {
    "households": (
        "按户编号更新：文件中的新户加入库中，已有的户整行替换为文件中的内容，文件中没有的户保留不动（不删除）。"
        "文件中整列缺失的可选栏目（如重点群体标记）保留库中原值。"
    ),
    "screenings": (
        "追加：排查记录加入库中；与库中记录户编号、排查日期、排查方式、排查人员都相同的视为已导入，跳过不再追加"
        "（其他栏目不同也不会覆盖，需更正请联系管理员）。"
    ),
    "key_groups": (
        "标记：按户编号或户主证件号码找到农户，把所列重点群体类别标记为“是”；只增加标记，从不取消已有标记。"
    ),
    "milestones": (
        "按乡镇(街道)更新：文件中每个乡镇的整行（各完成日期、是否审定）替换库中原有内容，文件中没有的乡镇保留不动。"
    ),
    "hazards": (
        "按区域编号替换：与库中编号相同的风险区整体替换，新编号的加入，其他区域保留不动；"
        "并重新计算这些区域内的农户。"
    ),
}

# -- template help (填表说明) ---------------------------------------------------------------------
HELP_COLUMNS = ("列名", "含义", "格式", "是否必填", "允许的值", "也可写作")
REQUIRED_YES = "必填"
REQUIRED_NO = "选填"
HELP_INTRO = "表头请保持第1行的列名；可以在表头上方加标题行。日期、是/否、金额的多种写法都能识别，见下表。"

FORMAT_HELP = {
    "code": "文本（单元格格式设为“文本”，避免长编号被Excel改成科学计数法）",
    "id_number": "18位文本（单元格格式设为“文本”；存成数字会丢失末几位）",
    "text": "文本",
    "phone": "文本，如13812345678或0412-1234567",
    "int": "正整数",
    "money": "数字，单位元，不能为负；可带千分位逗号",
    "lon": "数字，WGS-84经度（度），如122.95",
    "lat": "数字，WGS-84纬度（度），如41.03",
    "bool": "是/否（也可写Y/N、√/×、1/0、有/无）；留空视为否",
    "bool_optional": "是/否（也可写Y/N、√/×、1/0、有/无）；留空表示未填",
    "date": "日期，如2024-08-23、2024/8/23、2024.8.23、2024年8月23日，或Excel日期",
    "enum": "从允许的值中选一个",
    "town": "乡镇(街道)名称（可不写“镇”“街道”）或12位区划代码",
    "village": "村(社区)名称或12位区划代码；名称可省略“村民委员会”“村委会”“居委会”等后缀，但须在本乡镇内不重名",
}

FIELD_MEANING = {
    "household_id": "农户的户编号，全区唯一，用来关联排查记录和重点群体名单",
    "head_name": "户主姓名",
    "head_id_number": "户主的居民身份证号码",
    "town": "农户所在乡镇(街道)",
    "village": "农户所在村(社区)",
    "members": "家庭共同生活人口数",
    "phone": "户主或家庭联系电话",
    "is_former_poor": "是否为脱贫户（含脱贫监测户）",
    "monitor_type": "防止返贫监测对象类型；不是监测对象的填“非监测对象”或留空",
    "per_capita_income": "上年家庭人均纯收入",
    "compliant_oop_spending": "上年医疗等合规自付支出",
    "lon": "农户住址经度",
    "lat": "农户住址纬度",
    "screened_on": "实际排查的日期，须在本次集中排查期间内",
    "method": "排查方式",
    "screener": "排查人员姓名（多人用顿号分隔）",
    "result": "排查结论",
    "leaflet_given": "是否向农户发放政策明白纸",
    "confirmed_online_on": "在防返贫监测系统中完成线上录入信息确认的日期，未确认的留空",
    "visit_lon": "排查地点经度",
    "visit_lat": "排查地点纬度",
    "plan_done_on": "乡镇工作方案制定完成的日期",
    "training_done_on": "分类培训完成的日期",
    "report_submitted_on": "总结报告报送的日期",
    "report_approved": "总结报告是否经乡镇主要领导审定",
    "group": "该户所属的重点群体类别（一行一个类别）",
    "department": "提供名单的部门，如民政、残联、医保、卫健",
    "key_group_household_id": "农户的户编号；名单上是家庭成员而非户主时请填户编号",
    "key_group_id_number": "户主的居民身份证号码，没有户编号时用它匹配农户",
    "address": "住址或所属村民小组（如“第三村民小组”“前街12号”），印在农户清单上，便于入户时找到该户",
    "identified_on": "经村级评议、乡镇审核、县级确认，识别纳入防止返贫监测对象的日期；不是监测对象的留空",
    "assisted_on": "首次落实帮扶措施的日期；对因灾等先落实帮扶措施、后补充完善识别程序的（绿色通道），此日期早于识别纳入监测日期",
    "disaster_affected": "是否因暴雨洪涝等灾害受损、出现返贫致贫风险（绿色通道：先落实帮扶措施，后补充完善相关程序）",
    "key_flag": "该户是否有属于此类重点群体的成员",
    "guarantee_flag": "该户是否存在此项保障问题",
}

KIND_SHEET_NAMES = {
    "households": "农户花名册",
    "screenings": "排查记录",
    "key_groups": "重点群体名单",
    "milestones": "乡镇工作节点",
}
