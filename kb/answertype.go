package kb

import (
	"regexp"
)

// Some questions ask for a particular kind of fact: a number, an amount of
// money, a length of time, a date. Such a question is answered only by a
// clause that states that kind of fact. Checking the expected answer type is
// a classic question-answering guard: "市政务办预审要几个工作日？" shares every
// topic word with 六、4. (预审), but 六、4. gives no time at all, so the right
// reply is that the guideline does not say.
type answerType struct {
	name   string
	asks   *regexp.Regexp // in the normalised question
	states *regexp.Regexp // in the clause text
}

var answerTypes = []answerType{
	{
		name:   "money",
		asks:   regexp.MustCompile(`多少钱|多少万|几万|多少元|价格|价钱|收费|收不收费|交费|缴费|付费|要钱|花多少|费用是多少|多少费用`),
		states: regexp.MustCompile(`[0-9]\s*(元|万|亿)|免费|不收费|收取`),
	},
	{
		name:   "frequency",
		asks:   regexp.MustCompile(`(多久|多长时间|隔多少天|几天|几个月)[^，。？?]{0,6}一次|频率|多频繁|每隔多久`),
		states: regexp.MustCompile(`每(年|月|周|天|日|季度|季)|[0-9一二两三四五六七八九十]+\s*次|定期`),
	},
	{
		name:   "duration",
		asks:   regexp.MustCompile(`多久|多长时间|几个工作日|几天|几个月|期限多长`),
		states: regexp.MustCompile(`[0-9一二两三四五六七八九十半]\s*(个)?(天|日|工作日|周|月|年|小时)|前完成|之前|以前`),
	},
	{
		name:   "date",
		asks:   regexp.MustCompile(`哪天|几号|哪一天|截止|哪年|几月份|何时`),
		states: regexp.MustCompile(`[0-9]\s*(年|月|日)|前|后|年度`),
	},
	{
		name:   "procedure",
		asks:   regexp.MustCompile(`怎么申请|如何申请|申请流程|办理流程|什么流程|什么程序|什么手续|怎么办理|如何办理|办理手续`),
		states: regexp.MustCompile(`申请|申报|报送|报市|审核|核准|提交|提出|同意|办理|备案`),
	},
	{
		name:   "materials",
		asks:   regexp.MustCompile(`哪些材料|什么材料|啥材料|哪些资料|什么资料|准备什么|提交什么|交什么材料|要带什么`),
		states: regexp.MustCompile(`材料|资料|报告|文件|清单|证明|依据|目录`),
	},
	{
		name:   "vendor",
		asks:   regexp.MustCompile(`(什么|哪些|哪个|哪家|哪款|啥)(品牌|牌子|厂商|厂家|公司|供应商|型号|运营商)|品牌推荐`),
		states: regexp.MustCompile(`公司|厂商|品牌|型号|服务商|中标|运营商`),
	},
	{
		name:   "standard",
		asks:   regexp.MustCompile(`标准是什么|什么标准|评分标准|打分标准|考核标准|怎么打分|怎么评分|评分细则`),
		states: regexp.MustCompile(`标准|规范|指标|细则|办法`),
	},
	{
		name:   "where to go",
		asks:   regexp.MustCompile(`(在哪|哪里|哪儿|去哪|到哪)(里)?(办|申请|领|拿|交|开|买)`),
		states: regexp.MustCompile(`(到|向|由|通过|经)[^，。；,;]{0,16}(中心|平台|系统|机构|部门|单位|委|办|局|大厅)`),
	},
	{
		name:   "quantity",
		asks:   regexp.MustCompile(`多少|几次|几年|比例|百分之几|占比`),
		states: regexp.MustCompile(`[0-9０-９]|[一二两三四五六七八九十半][年次个天日月倍周]|百分之`),
	},
}

// asked returns the answer types the normalised question asks for.
func askedTypes(norm string) []*answerType {
	var out []*answerType
	for i := range answerTypes {
		if answerTypes[i].asks.MatchString(norm) {
			out = append(out, &answerTypes[i])
		}
	}
	return out
}

// statesAll reports whether the clause text states every asked type.
func statesAll(text string, types []*answerType) bool {
	for _, t := range types {
		if !t.states.MatchString(text) {
			return false
		}
	}
	return true
}
