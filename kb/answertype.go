package kb

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Some questions ask for a particular kind of fact: a number, an amount of
// money, a length of time, a date. Such a question is answered only by a
// clause that states that kind of fact. Checking the expected answer type is
// a classic question-answering guard: "市政务办预审要几个工作日？" shares every
// topic word with 六、4. (预审), but 六、4. gives no time at all, so the right
// reply is that the guideline does not say.
type answerType struct {
	name   string
	asks   pattern // in the normalised question
	states pattern // in the clause text
	bit    typeSet // this type's bit, 1<<index in answerTypes
}

// The patterns are regular expressions, kept as the definition. Each one is
// given with the needles that every match of its non-literal alternatives
// must contain (see newPattern): these were checked by hand against the
// expressions, and answertype_test.go checks the fast path against the bare
// regexp on every question and clause of the project.
var answerTypes = []answerType{
	{
		name: "money",
		// (收费, 缴费 alone name a kind of system as often as they ask a
		// price: 收费系统要跟银行对接 asks about the network.)
		asks: newPattern(`多少钱|多少万|几万|多少元|价格|价钱|补贴|补助|津贴|收不收费|要钱|花多少|费用是多少|多少费用|费用多少|单价|多少经费|多少资金|(金额|预算|资金|经费)[^,，。？?]{0,6}(超过|达到|低于)多少|(收费|交费|缴费|付费)(吗|么|多少|标准|怎么算)|(要|需要|得|怎么|如何|是否)(收费|交费|缴费|付费)`,
			"收费", "交费", "缴费", "付费", "金额", "预算", "资金", "经费"),
		states: newPattern(`[0-9]\s*(元|万|亿)|免费|不收费|收取`,
			"元", "万", "亿"),
	},
	{
		name: "frequency",
		asks: newPattern(`(多久|多长时间|隔多少天|几天|几个月)[^，。？?]{0,6}(一次|一回|一遍)|频率|多频繁|每隔多久|什么周期|多长周期|周期是|几年一次|每(天|周|月|季度|年)[^,，。？?]{0,6}还是每`,
			"一次", "一回", "一遍", "每"),
		// (按年度明确资金使用计划 says yearly.)
		states: newPattern(`每(年|月|周|天|日|季度|季)|[0-9一二两三四五六七八九十]+\s*次|定期|按(年度|年|季度|月|周)|逐年`,
			"每", "次", "按"),
	},
	{
		name: "duration",
		asks: newPattern(`多久|多长时间|几个工作日|几天|几个月|期限多长`),
		states: newPattern(`[0-9一二两三四五六七八九十半]\s*(个)?(天|日|工作日|周|月|年|小时)|前完成|之前|以前`,
			"天", "日", "周", "月", "年", "小时"),
	},
	{
		// A time: a year, a month, or before or after a step of the
		// project (采购实施前). A bare 前 or 后 is not one: 汇总后 says
		// what comes first, not when.
		name: "date",
		asks: newPattern(`哪天|几号|哪一天|截止|哪年|几月份|何时|什么时候|啥时候|时间节点|什么时间`),
		states: newPattern(`[0-9一二两三四五六七八九十]\s*(年|月|日|号)|年底|年初|年内|月底|(实施|完成|验收|采购|申报|上线|立项|建设)(前|后|之前|之后|以前|以后)`,
			"年", "月", "日", "号", "前", "后"),
	},
	{
		// A day or a month, not just a year: 截止日期是哪天 is not answered
		// by "2017 年".
		name: "day",
		asks: newPattern(`哪天|几号|哪一天|几月几|几月份|具体日期|哪个月|几月`),
		states: newPattern(`[0-9一二两三四五六七八九十]\s*(月|日|号)|月底|月初|上旬|中旬|下旬`,
			"月", "日", "号"),
	},
	{
		name:   "procedure",
		asks:   newPattern(`怎么申请|如何申请|申请流程|办理流程|什么流程|什么程序|什么手续|怎么办理|如何办理|办理手续|怎么注册|如何注册|怎么开通|如何开通|怎么开户|怎么登录|如何登录|怎么重置|怎么找回`),
		states: newPattern(`申请|申报|报送|报市|审核|核准|提交|提出|同意|办理|备案|预审|审批|审查|评审`),
	},
	{
		name: "materials",
		// (Not 填什么: 要填什么代码 asks which code, answered by the clause
		// that names it.)
		asks: newPattern(`哪些材料|什么材料|啥材料|哪些资料|什么资料|准备什么|提交什么|交什么材料|要带什么|(什么|哪些|哪张)[^，。？?,]{0,3}表`,
			"表"),
		states: newPattern(`材料|资料|报告|文件|清单|证明|依据|目录|表`),
	},
	{
		name: "vendor",
		asks: newPattern(`(什么|哪些|哪个|哪家|哪几家|几家|哪款|哪几款|哪几个|哪种|啥)(品牌|牌子|厂商|厂家|公司|供应商|型号|运营商)|哪家企业|哪几家企业|哪个企业|值得推荐|推荐哪家|(哪家|哪个|哪些)[^,，。？?]{1,4}(公司|厂商|厂家|供应商)|(有没有|有什么|有哪些|能不能|可以|给个|求)推荐的?(品牌|牌子|厂商|厂家|公司|供应商|型号|产品)|推荐(一下|几个|个)(品牌|牌子|厂商|厂家|型号|产品)|推荐(一|几|哪一?)?(款|家|种|个)|(品牌|牌子|厂家|型号)推荐|推荐(用|选|买)?[^,，。？?!！]{1,8}还是`,
			"品牌", "牌子", "厂商", "厂家", "公司", "供应商", "型号", "运营商", "产品", "推荐"),
		// Names of kinds of firm. (服务商 and 中标产品 name none.)
		states: newPattern(`公司|厂商|品牌|型号|运营商`),
	},
	{
		// Which body decides or receives: the clause must name one
		// (向国土规划部门, 市工信委, 一级预算单位). 经同意后 says that
		// someone agrees, not who.
		name: "department",
		asks: newPattern(`(哪个|哪些|什么|哪一个|哪级|哪家)[^，。？?,]{0,4}(部门|机构|机关|科室|处室)|向谁|找谁|谁来审|谁审批|谁批`,
			"部门", "机构", "机关", "科室", "处室"),
		states: newPattern(`(向|由|报|经|找)[^，。；,;]{0,10}(部门|委|办|局|中心|厅|单位)|市[^，。；,;]{0,10}(委|办|局|中心|厅)|工信委|政务办|财政局|一级预算单位|主管部门`,
			"市", "部门", "委", "办", "局", "中心", "厅", "单位"),
	},
	{
		name: "standard",
		asks: newPattern(`标准是什么|标准是多少|配置标准|办法是什么|评标办法|评分办法|什么标准|评分标准|打分标准|考核标准|怎么打分|怎么评分|评分细则|标准有什么|标准有哪些|标准是啥|有啥标准|格式要求|什么规格|配置要求|(什么|哪种|啥)[^，。？?,]{0,3}格式`,
			"格式"),
		states: newPattern(`标准|规范|指标|细则|办法|格式|规格|(建设|技术|工作|安全)要求`, "要求"),
	},
	{
		name: "where to go",
		asks: newPattern(`(在哪|哪里|哪儿|去哪|到哪)(里)?(办|申请|领|拿|交|开|买|反映|投诉|举报|申诉|咨询)|(去|到)(哪里|哪儿|哪)(呢|啊|呀)?[？?]?$`,
			"哪"),
		states: newPattern(`(到|至|往|向|由|通过|经)[^，。；,;]{0,16}(中心|平台|系统|机构|部门|单位|委|政务办|办公室|局|大厅)`,
			"中心", "平台", "系统", "机构", "部门", "单位", "委", "办", "局", "大厅"),
	},
	{
		// An address: the guideline gives none, so 办公地址在哪里 is refused
		// rather than answered with the clause that names the office.
		// (Plain 在哪 is not asked here: 涉密系统部署在哪 is answered by
		// 部署在电子政务内网.) 线路, 道路 and 思路 name no street.
		name: "location",
		asks: newPattern(`地址|什么地方|什么位置|办公地点|位于哪|(设在|位于|建在|搬到|在)(哪个|哪一个|什么)(区|街道|镇|路|楼|园区)[？?]?$|几楼|几层|哪栋|哪层|(机房|中心|大厅|办公室|窗口|办公楼)(在|设在|位于)(哪里|哪儿|哪)`,
			"哪", "什么"),
		states: newPattern(`(^|[^线道思])路|街|号楼|大厦|大楼|位于|地址|所在地|行政区划`, "路"),
	},
	{
		// A judgement of quality (政务云稳定吗, 国产数据库好不好用): the
		// guideline sets rules and names what to use, it does not rate
		// them, so such a question is refused rather than answered with
		// the clause that names the thing. Only an adjective said of a
		// thing in the question's last phrase asks it: 厂家说直接放公网上,
		// 靠谱吗 asks whether the proposal is allowed. Which of two is
		// better (哪个质量更好) and whether a rule is fair (合理吗) are
		// judgements too.
		name: "judgement",
		asks: newPattern(`(^|[,;!。、])[^,;!。、]*\p{Han}{2}(稳定|好用|靠谱|可靠|方便|先进|成熟|流畅|便宜)(吗|不|么|嘛|呢|啊)?\??$|稳不稳定|好不好用|快不快|贵不贵|卡不卡|慢不慢|靠不靠谱|方不方便|准不准|准确吗|哪一?(个|款|家|种)(比较|更|最)?好|哪一?(个|款|家|种)[^,;!。、?]{0,4}(比较|更|最)(好|高|强|稳)|好主意|好办法|值不值得|划不划算|比[^较,;!。、?][^,;!。、?]{0,11}(好|强|差|安全|稳定|可靠|方便|划算)(吗|不|么|嘛|呢)?\??$|(合理|公平)(吗|不|么|嘛|呢)|合不合理`,
			"稳定", "好用", "靠谱", "可靠", "方便", "先进", "成熟", "流畅", "便宜", "好", "高", "强", "稳", "比", "合理", "公平"),
		states: newPattern(`稳定|可靠|便捷|方便|高效|成熟|先进|好用|流畅|便宜|性价比`),
	},
	{
		// A remedy for a fault (密码忘了怎么办, 外网断了找谁, 怎么报修): the
		// guideline says how projects are built, not how to fix what
		// broke. (系统出故障了想远程修，走什么通道 asks which channel, and
		// is answered by 一、（二）3.)
		name: "remedy",
		asks: newPattern(`(忘了|忘记了|坏了|丢了|断了|断网了|打不开|登不上|登录不了|进不去|连不上|上不去|报错|崩了|宕机|中毒了|被黑了|被攻击了|被篡改了|中病毒了)[^;!。]{0,4}(怎么办|咋办|怎么弄|找谁|怎么处理|如何处理|怎么解决)|(打不通|接不通|拨不通|没人接|没反应)[^;!。]{0,4}(怎么办|咋办|找谁|怎么处理|怎么解决)|怎么报修|如何报修|找谁修|去哪报修`,
			"怎么办", "咋办", "怎么弄", "找谁", "怎么处理", "如何处理", "怎么解决"),
		states: newPattern(`报修|维修|修复|故障处理|技术支持|服务热线`),
	},
	{
		// A technical detail (网站群用的什么技术, 接口怎么调用, 哪个版本):
		// the guideline names platforms and rules, not how they are built.
		name: "technical",
		asks: newPattern(`什么技术|哪种技术|啥技术|(什么|哪种|哪个)[^,，。？?]{0,6}(架构|协议|框架|语言)|哪个版本|什么版本|哪些版本|接口怎么调|接口文档|接口规范|技术参数|什么配置|配置参数|接口[^,，。？?!！]{0,6}[A-Za-z]{3,}还是[A-Za-z]{3,}`,
			"架构", "协议", "框架", "语言", "还是"),
		states: newPattern(`技术标准|技术要求|规范|协议|版本|架构|参数`),
	},
	{
		// A template or sample (自评报告有没有模板): the clause must point
		// to one, as 方案编写指南 is.
		name:   "template",
		asks:   newPattern(`模板|范本|样板|范文|样表`),
		states: newPattern(`模板|范本|样板|编写指南|格式`),
	},
	{
		// A roster of names (试点单位名单, 首批试点单位有哪些): the guideline
		// says who may take part, it names no one.
		name: "roster",
		// (黑名单, 红名单 are lists of firms, the topic of 三、（四）.)
		asks: newPattern(`(^|[^黑白红])名单|名录|(试点|首批|入选|参加|参与)[^,，。？?]{0,4}(单位|部门)(有哪些|是哪些|有哪几个|是哪几个|都有谁)`,
			"名单", "单位", "部门"),
		states: newPattern(`名单|名录|以下单位`),
	},
	{
		// A document's number (本指引的发文文号是多少): the clause must give
		// one (穗府办〔2017〕12号); the guideline states none of its own.
		name:   "document number",
		asks:   newPattern(`文号|发文字号|文件编号|发文号`),
		states: newPattern(`〔|〕|号文|字第`),
	},
	{
		// Whose something is (数据到底归谁, 信息资源归谁所有, 攒下的数据算谁
		// 的): the clause must say who owns it. 算谁的 said of a fault or
		// a duty (出了安全问题算谁的) asks who is responsible, and is left
		// to the clauses on security.
		name: "owner",
		asks: newPattern(`归谁所有|属于谁|归属|(数据|资料|信息|资源|台账|记录)[^,，。？?!！]{0,8}(算谁的|归谁|是谁的|归[^,，。？?!！]{1,6}还是归)`,
			"归属", "算谁的", "归谁", "是谁的", "还是归"),
		states: newPattern(`所有|归属|所属`),
	},
	{
		// A penalty (违规建机房会受到什么处罚, 要承担什么法律责任): the
		// guideline names budget consequences (核减, 减少, 不予受理) and no
		// penalties; a clause must state one of these. 追责 and 问责 ask
		// for one unless they ask whom it falls on (问责算谁的, 追责时算云平台
		// 的还是使用单位的): that is who is responsible, which the clauses
		// on security state.
		name: "penalty",
		asks: newPattern(`处罚|罚款|法律责任|(追责|问责)[^,，。？?!！谁哪还]*([,，。？?!！]|$)|处分|受到什么`,
			"追责", "问责"),
		states: newPattern(`处罚|罚款|追究|问责|处分|核减|减少|不予|不在|不再批准|约束`),
	},
	{
		// A telephone number or other contact: the guideline gives none,
		// so 科室联系电话是多少 is refused rather than answered with the
		// clause that names the office.
		name: "contact",
		asks: newPattern(`(电话|手机号|热线|邮箱|传真|号码)(是|号码是|号码)?(多少|几号|啥|什么)|联系方式|联系电话|联系人是谁|联系人是|找谁联系|怎么联系`,
			"电话", "手机号", "热线", "邮箱", "传真", "号码"),
		states: newPattern(`[0-9]{7,}|[0-9]{3,4}-[0-9]{7,8}|@`,
			"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
	},
	{
		// Which platform or system: the clause must name one (市政府信息共享
		// 平台, VPN 平台). 存档备查要在哪个系统提交 is not answered by a
		// clause that says when, not where.
		name: "system",
		asks: newPattern(`(哪个|哪些|什么|哪一个|哪家)[^，。？?,]{0,4}(平台|系统|网站)`,
			"平台", "系统", "网站"),
		states: newPattern(`平台|系统|网站`),
	},
	{
		name: "quantity",
		asks: newPattern(`多少|几次|几年|比例|百分之几|占比|多大`),
		states: newPattern(`[0-9０-９]|[一二两三四五六七八九十半][年次个天日月倍周]|百分之`,
			"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
			"０", "１", "２", "３", "４", "５", "６", "７", "８", "９",
			"年", "次", "个", "天", "日", "月", "倍", "周"),
	},
}

// typeSet is a set of answer types: bit i stands for answerTypes[i].
type typeSet uint32

// askIndex and stateIndex find the literals of all the asks and all the
// states patterns in one pass.
var askIndex, stateIndex literalIndex

func init() {
	if len(answerTypes) > 32 {
		panic("kb: more answer types than bits in a typeSet")
	}
	for i := range answerTypes {
		answerTypes[i].bit = 1 << i
	}
	askIndex = newLiteralIndex(asksOf)
	stateIndex = newLiteralIndex(statesOf)
}

// pattern is a regular expression with a literal fast path. Go's regexp
// backtracks through an alternation of literals rune by rune; asking ten of
// them of every question was a noticeable share of answering it, while
// finding a literal is a plain byte search. So the expression's top-level
// alternatives that are plain literals (words) are looked up directly, and
// the regexp runs only for its other alternatives, and only when the text
// holds one of the needles: literals that every match of those alternatives
// contains. A text holding no needle cannot match them. askedTypes and
// statedTypes find the words and needles of all the types at once with a
// literalIndex.
type pattern struct {
	expr    string
	re      *regexp.Regexp // the whole expression: the definition
	words   []string       // the top-level alternatives that are literals
	needles []string       // nil when every alternative is a literal
}

// newPattern compiles expr. needles must be given exactly when expr has a
// top-level alternative that is not a plain literal; each such alternative
// must contain one of them in every match (the tests check the result
// against the bare regexp).
func newPattern(expr string, needles ...string) pattern {
	p := pattern{expr: expr, re: regexp.MustCompile(expr)}
	regexpAlt := false
	for _, alt := range topLevelAlternatives(expr) {
		if alt != "" && regexp.QuoteMeta(alt) == alt {
			p.words = append(p.words, alt)
		} else {
			regexpAlt = true
		}
	}
	if regexpAlt != (len(needles) > 0) {
		panic(fmt.Sprintf("kb: pattern %q: needles must be given exactly when an alternative is not a literal", expr))
	}
	if regexpAlt {
		p.needles = needles
	}
	return p
}

// topLevelAlternatives splits expr at the | that are outside parentheses and
// character classes.
func topLevelAlternatives(expr string) []string {
	var out []string
	depth, start := 0, 0
	inClass := false
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; {
		case c == '\\':
			i++ // the escaped byte is never a delimiter
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			out = append(out, expr[start:i])
			start = i + 1
		}
	}
	return append(out, expr[start:])
}

// literalIndex finds in one pass over a text which patterns of the answer
// types (all the asks, or all the states) have one of their words, or one
// of their needles, in it: a question would otherwise be searched for some
// eighty literals one after the other.
type literalIndex struct {
	of      func(*answerType) *pattern // which of a type's patterns it indexes
	byFirst map[rune][]literalRef      // by the literal's first rune
}

// asksOf and statesOf pick an answer type's question or clause pattern.
func asksOf(t *answerType) *pattern   { return &t.asks }
func statesOf(t *answerType) *pattern { return &t.states }

type literalRef struct {
	lit    string
	bit    typeSet // the answer type whose pattern has the literal
	needle bool    // a needle, not a word
}

func newLiteralIndex(of func(*answerType) *pattern) literalIndex {
	x := literalIndex{of: of, byFirst: map[rune][]literalRef{}}
	add := func(lit string, bit typeSet, needle bool) {
		r, _ := utf8.DecodeRuneInString(lit)
		x.byFirst[r] = append(x.byFirst[r], literalRef{lit: lit, bit: bit, needle: needle})
	}
	for i := range answerTypes {
		t := &answerTypes[i]
		p := of(t)
		for _, w := range p.words {
			add(w, t.bit, false)
		}
		for _, n := range p.needles {
			add(n, t.bit, true)
		}
	}
	return x
}

// scan returns the types whose pattern has a word in s, and those whose
// pattern has a needle in s. Every occurrence of a literal starts at a rune
// that ranging over s visits, even in invalid UTF-8: a literal starts with
// a lead byte, which no other rune's encoding contains.
func (x *literalIndex) scan(s string) (words, needles typeSet) {
	for i, r := range s {
		for _, ref := range x.byFirst[r] {
			if strings.HasPrefix(s[i:], ref.lit) {
				if ref.needle {
					needles |= ref.bit
				} else {
					words |= ref.bit
				}
			}
		}
	}
	return words, needles
}

// types returns the answer types whose indexed pattern matches s: those
// with a word in s, and those with a needle in s whose regexp matches.
func (x *literalIndex) types(s string) typeSet {
	words, needles := x.scan(s)
	set := words
	for i := range answerTypes {
		t := &answerTypes[i]
		if !set.has(t.bit) && needles.has(t.bit) && x.of(t).re.MatchString(s) {
			set |= t.bit
		}
	}
	return set
}

// askedTypes returns the answer types the normalised question asks for. A
// frequency question (多久做一次) asks how often, not how long: its 多久
// does not ask for a length of time as well.
func askedTypes(norm string) typeSet {
	t := askIndex.types(norm)
	if t.has(frequencyType) {
		t &^= durationType
	}
	return t
}

var frequencyType, durationType = typeNamed("frequency"), typeNamed("duration")

// typeNamed returns the bit of the answer type called name.
func typeNamed(name string) typeSet {
	for i, t := range answerTypes {
		if t.name == name {
			return 1 << i
		}
	}
	panic("kb: no answer type " + name)
}

// statedTypes returns the set of answer types the clause text states: a
// generation computes it once per clause, and a clause answers a question
// only when it states every type the question asks for (has).
func statedTypes(text string) typeSet { return stateIndex.types(text) }

// has reports whether s holds every type of want.
func (s typeSet) has(want typeSet) bool {
	return s&want == want
}
