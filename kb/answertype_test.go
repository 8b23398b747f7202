package kb

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"zhiyin/nlp"
)

func TestAnswerTypes(t *testing.T) {
	tests := []struct {
		question, clause string
		answered         bool
	}{
		{"预审要几个工作日", "凡与政务服务有关项目应实现通过市政务办预审。", false},
		{"存档备查什么时候完成", "项目存档备查应在该项目采购实施前完成。", true},
		{"VPN账号每个单位多少个", "每一级单位 50 个账号", true},
		{"收费系统要跟银行对接，能自己拉专线吗", "与金融单位联网原则上必须通过市电子政务外网,不另拉设网络线路。", true}, // a kind of system, not a price
		{"接入视频监控平台要收费吗", "可申请接入广州市社会治安视频监控管理及应用平台", false},
		{"license多少钱一个", "超出 50 个账号购置 license 费用概算参见方案编写指南", false},
		{"预算超过多少万要招标", "每一级单位 50 个账号", false},
		{"数据多久备份一次", "项目方案须明确所使用的计算资源并预留一年租赁资金。", false},
		{"多久核减一次", "2018 年后将陆续降低运维经费,每年按 30%核减。", true},
		{"资金使用计划多久做一次", "各单位需按年度明确项目资金使用计划。", true}, // yearly; 多久 asks no length of time here
		{"数据库有哪些品牌可以选", "原则上应采用自主可控的国产软硬件产品。", false},
		{"基础软件用哪家的产品", "均应使用云平台服务商中标产品。", true},
		{"那国外品牌的呢", "原则上应采用国产软硬件产品。", true}, // about foreign brands, not asking which brand
		{"绩效评估的评分标准是什么", "对已经建成的信息化系统进行专项评估,形成绩效评估报告。", false},
		{"数字证书按什么标准", "使用数字证书应严格遵循有关规定的要求和技术标准。", true},
		{"存档备查要交什么材料", "项目存档备查应在该项目采购实施前完成。", false},
		{"地理信息共享怎么申请", "可向国土规划部门提出地理空间类信息共享申请", true},
		{"内网怎么申请接入", "涉密业务系统应部署在电子政务内网。", false},
		{"单位能建机房吗", "各单位不再新建业务机房。", true},                  // asks for no particular kind of fact
		{"申报截止日期是哪天", "为更好地指导各单位开展 2017 年的信息化项目建设", false}, // a year is no day
		{"上云有没有截止时间", "2017 年,各单位应基本完成往政府信息化云平台迁移工作。", true},
		{"报送市工信委的时间节点是什么时候", "由一级预算单位汇总后统一报送市工信委。", false}, // 汇总后 is an order, not a time
		{"ADSL要向哪个部门申请", "经同意后可直接使用 ADSL 上网。", false},
		{"地理空间信息共享向哪个部门申请", "可向国土规划部门提出地理空间类信息共享申请", true},
		{"中标产品是哪几家厂商的", "均应使用云平台服务商中标产品。", false},
		{"云资源租赁单价是多少", "项目方案须明确所使用的计算资源和存储资源并预留一年租赁资金。", false},
		{"市工信委负责的科室联系电话是多少", "由一级预算单位汇总后统一报送市工信委。", false}, // names the office, gives no number
		{"12345热线对接改造能报吗", "基于 12345 热线的对接改造项目。", true},    // 热线 is the topic, not a number asked for
		{"云平台的机房设在哪个区", "各单位业务应用系统应部署在市政府信息化云平台。", false},
		{"业务在哪个区办的要不要采集", "采集办事所在区等信息。", true},
		{"政务云稳定吗", "各单位业务应用系统应部署在市政府信息化云平台。", false}, // the guideline rates nothing
		{"国产数据库好不好用", "原则上应采用自主可控的国产软硬件产品。", false},
		{"你觉得上云以后，安全性真的比自建机房好吗？", "各单位不再新建业务机房,业务应用系统应部署在市政府信息化云平台。", false},
		{"华为和新华三的国产交换机，哪个质量更好？", "原则上应采用自主可控的国产软硬件产品。", false},
		{"要求各单位都搬到政务云合理吗", "各单位业务应用系统应部署在市政府信息化云平台。", false},
		{"比例是多少", "每年按 30%核减。", true},                        // 比 of 比例 compares nothing
		{"要采集哪些信息，怎么确定比较好", "应按照业务需求确定信息采集内容。", true},        // 比较好: "best", no judgement asked
		{"厂家说直接放公网上跑，不走政务外网，靠谱吗", "业务系统原则上部署在电子政务外网。", true}, // asks whether it is allowed
		{"单位违规新建业务机房会受到什么处罚", "各单位不再新建业务机房,可建设本单位的网络机房", false},
		{"评估不合格会受到什么处罚", "业务系统评估不合格或得分低的,将酌情减少后续新建项目及运维费用。", true},
		{"我们系统采集的数据到底归谁，是我们单位的吗", "规范单位信息资源建设。要认真梳理本单位现有的信息资源内容。", false},
		{"系统里攒下的数据算谁的", "市财政投资信息化项目所产生的信息资源为政府所有。", true},
		{"办公网出了安全问题算谁的", "各单位负责本单位网络区域的安全。", true},                     // a duty, not an owner
		{"市信息化服务中心的办公地址在哪里", "与金融单位联网原则上必须通过市电子政务外网,不另拉设网络线路。", false}, // 线路 is no street
		{"共享平台采用什么数据交换协议", "各单位业务系统信息交互统一通过市政府信息共享平台实施。", false},
		{"国产中间件产品推荐哪一款", "原则上应采用自主可控的国产软硬件产品。", false},
		{"共享平台的接口是用WebService还是RESTful", "各单位业务系统信息交互统一通过市政府信息共享平台实施。", false},
		{"国产数据库推荐用达梦还是人大金仓", "原则上应采用自主可控的国产软硬件产品。", false},
		{"系统里采集的数据归我们公司还是归甲方", "规范单位信息资源建设。明确项目信息采集内容。", false},
		{"把系统都迁到政务云上是不是个好主意", "各单位业务应用系统应部署在市政府信息化云平台。", false},
		{"国产操作系统里哪款最稳定，推荐一个", "原则上应采用自主可控的国产软硬件产品。", false},
		{"本指引的发文文号是多少", "为更好地指导各单位开展 2017 年的信息化项目建设,制定本指引。", false},
		{"违规上网会被问责吗", "各单位负责本单位网络区域的安全。", false},
		{"应用出了安全问题，问责算谁的", "各单位负责本单位业务应用的安全。", true}, // whom it falls on, not a penalty
		{"追责的时候算云平台的还是算使用单位的", "各单位负责本单位业务应用的安全。", true},
		{"云平台的机房在哪里", "各单位业务应用系统应部署在市政府信息化云平台。", false},
		{"涉密系统部署在哪里", "涉密业务系统应部署在电子政务内网。", true},
		{"单位网站被黑了怎么办", "各政府部门网站应依托市政府网站群进行建设和运维管理", false},
		{"信用系统里查到的数据准不准", "各单位应基于市公共信用信息管理系统开展信用应用", false},
		{"VPN账号密码忘了怎么办", "应采用广州市信息化服务中心提供的 VPN 平台(每一级单位 50 个账号)", false},
		{"12345热线一直打不通，怎么办", "基于12345 热线、市政府门户网站、“五个一”对接改造项目", false},
		{"资金使用计划按什么周期来明确", "各单位需按年度明确项目资金使用计划。", true},
		{"政务外网的接入带宽一般开多大", "接入电子政务外网单位均应使用全市统一的互联网出口", false},
		{"电子政务外网怎么报修", "接入电子政务外网单位均应使用全市统一的互联网出口", false},
		{"系统出故障了想远程修，走什么通道", "凡开展业务系统维护的,应采用 VPN 平台", true},
		{"网站群用的什么技术", "各政府部门网站应依托市政府网站群进行建设和运维管理", false},
		{"怎么注册电子认证平台账号", "应使用广州市电子认证公共服务平台进行身份验证", false},
		{"供应商说数据库要用他们推荐的牌子，我们能随便选吗", "新建项目使用数据库软件等基础软件均应使用云平台服务商中标产品。", true}, // asks whether, not which
		{"国产数据库推荐用哪一款比较好", "原则上应采用自主可控的国产软硬件产品。", false},
		{"信息化项目金额超过多少需要公开招标", "每一级单位 50 个账号", false},
		{"向市公共信用信息管理系统报送数据是每周报还是每月报", "及时向市公共信用信息管理系统提供数据、反馈数据使用情况。", false},
		{"机器人云平台是由哪家企业承建的", "全市将统一建设政府智能服务机器人云平台。", false},
		{"哪家软件公司做医院业务系统做得比较好，值得推荐", "新建项目使用数据库软件等基础软件均应使用云平台服务商中标产品。", false},
		{"公开招标的评标办法是什么", "项目变更申报须在项目采购实施前", false},
		{"能不能推荐一款好用的国产数据库", "原则上应采用自主可控的国产软硬件产品。", false},
		{"云平台上一台虚拟机的CPU和内存配置标准是多少", "项目方案须明确所使用的计算资源和存储资源并预留一年租赁资金。", false},
		{"国产芯片的视频系统有没有推荐的厂家", "如网络设备、国产芯片的视频系统和保密手机等", false},
		{"国产数据库用达梦还是人大金仓，哪个好", "原则上应采用自主可控的国产软硬件产品。", false},
		{"自评报告有没有模板", "在项目验收时提交信息共享情况自评报告。", false},
		{"方案有模板吗", "按照市财政投资建设类、运维类信息化项目方案编写指南(2016)的要求", true},
		{"机器人试点单位名单有哪些", "重点单位可基于政府智能服务机器人云平台,开展政府智能服务试点", false},
		{"想搞个企业黑名单系统，可以单独建吗", "不再新建单独的信用信息系统", true}, // 黑名单 is a topic, not a roster
		{"国产数据库推荐用哪几个品牌", "原则上应采用自主可控的国产软硬件产品。", false},
		{"在广州办护照去哪里？", "自然人信息应当以法定身份证件作为标识提供。", false},
		{"信息化服务中心的办公地址在哪里", "应采用广州市信息化服务中心提供的 VPN 平台", false},
		{"涉密系统部署在哪", "涉密业务系统应部署在电子政务内网。", true}, // 在哪 alone asks no address
		{"存档备查要在哪个系统提交", "项目存档备查应在该项目采购实施前完成。", false},
		{"部门间交换数据用哪个平台", "各单位应通过市政府信息共享平台进行信息共享。", true},
		{"接入视频监控平台要填什么申请表", "应依托社会治安视频监控平台整合资源。", false},
		{"录入法人信息时要填什么代码", "以统一社会信用代码作为法人的唯一标识。", true},
		{"知识库迁移要按什么数据格式整理", "整理和迁移建设现有业务知识库到智能机器人云平台。", false},
		{"绩效评估由哪家第三方机构负责", "开展市政府信息化绩效评估工作。", false},
		// The scene told before the question asks for nothing (asking.go).
		{"我们医院用市财政的钱做了个随访系统，几年下来攒了好几万病人的数据。院里有人说数据属于医院自己，这个说法对吗？", "政府部门在履行职责过程中采集的信息资源归政府所有。", true},
		{"市民老抱怨同一份材料要交好几次，指引对这个有啥说法？", "避免重复采集、多头采集,减少市民和企业重复提供材料。", true},
		{"我们养老院给老人办理补贴等社会公共服务，需要用电子身份凭证识别老人身份，应该用什么卡？", "须通过电子身份凭证办理社会公共服务业务的,应采用广州市社会保障(市民)卡。", true},
		{"前几天馆长问我：系统出了安全问题，是云平台负责还是我们馆负责？", "云平台服务商负责基础设施层的安全。", true},
		{"养老院的老人想申请高龄津贴，要到哪里办？", "须通过电子身份凭证办理社会公共服务业务的,应采用广州市社会保障(市民)卡。", false}, // 通过…办理 names no place
		{"预审要几个工作日，有规定吗", "凡与政务服务有关项目应实现通过市政务办预审。", false},                       // an asking phrase that is not the last
		{"补贴有多少", "凡与政务服务有关项目应实现通过市政务办预审。", false},
		{"原有系统要迁到哪里", "各单位应将原有业务系统迁移至市政府信息化云平台上。", true},
		{"与政务服务有关的项目要经过市政务办的什么程序", "凡与政务服务有关项目应实现通过市政务办预审。", true},
		{"网上办事项目照着什么标准来建", "申报建设网办项目时,应按照省、市网办大厅的建设要求建设。", true},
	}
	for _, tt := range tests {
		if got := statedTypes(tt.clause).has(askedFor(phrases(nlp.Normalize(tt.question))).types); got != tt.answered {
			t.Errorf("%q against %q: answerable = %v, want %v", tt.question, tt.clause, got, tt.answered)
		}
	}
}

// regexpTypes is askedTypes (of asksOf) or statedTypes (of statesOf) with
// the bare regular expressions: the reference the literal fast path must
// reproduce.
func regexpTypes(text string, of func(*answerType) *pattern) typeSet {
	var s typeSet
	for i := range answerTypes {
		if of(&answerTypes[i]).re.MatchString(text) {
			s |= answerTypes[i].bit
		}
	}
	return s
}

// CheckAnswerTypesAgainstRegexp checks the asked types' fast path on every
// question (before askedTypes' frequency rule) and
// statedTypes on every clause text against the bare regexps.
// It is exported for answertype_corpus_test.go (package kb_test), which loads
// the embedded corpus: package kb cannot import package corpus.
func CheckAnswerTypesAgainstRegexp(t *testing.T, questions, clauses []string) {
	t.Helper()
	for _, q := range questions {
		want := regexpTypes(q, asksOf)
		if got := askIndex.types(q); got != want {
			t.Errorf("askIndex.types(%q) = %s, regexps say %s", q, typeNames(got), typeNames(want))
		}
	}
	for _, c := range clauses {
		want := regexpTypes(c, statesOf)
		if got := statedTypes(c); got != want {
			t.Errorf("statedTypes(%q) = %s, regexps say %s", c, typeNames(got), typeNames(want))
		}
		if got, want := statedUnits(c), regexpStatedUnits(c); got != want {
			t.Errorf("statedUnits(%q) = %b, regexps say %b", c, got, want)
		}
	}
}

func typeNames(s typeSet) string {
	var names []string
	for i := range answerTypes {
		if s.has(answerTypes[i].bit) {
			names = append(names, answerTypes[i].name)
		}
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// TestAnswerTypesMatchRegexpOnQuestions checks the project's question sets,
// raw and normalised (askedTypes is given the normalised question), and
// many synthetic strings, as questions and as clause texts.
func TestAnswerTypesMatchRegexpOnQuestions(t *testing.T) {
	var questions []string
	for _, path := range []string{"testdata/questions.tsv", "testdata/followups.tsv"} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		cases, err := ParseEvalSet(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, c := range cases {
			questions = append(questions, c.Question, nlp.Normalize(c.Question))
		}
	}
	if len(questions) < 500 {
		t.Fatalf("only %d questions loaded", len(questions))
	}
	synthetic := syntheticTexts(20000)
	CheckAnswerTypesAgainstRegexp(t, append(questions, synthetic...), synthetic)
}

// syntheticTexts returns n pseudo-random strings built from the pieces the
// patterns are made of (their literals, the characters of their classes),
// punctuation, digits, letters, white space and invalid UTF-8, so that every
// alternative, its near misses and the {0,6} and {0,16} gaps are exercised.
func syntheticTexts(n int) []string {
	pieces := []string{
		"，", "。", "？", "?", "；", ",", ";", " ", "\t", "\n", "　",
		"0", "7", "30", "2018", "０", "９", "a", "VPN", "%",
		"\xff", "\xe5", "\xe5\xa4", "\x80", "\uFFFD",
		"的", "项目", "系统", "要", "吗", "个", "里", "一", "十", "半",
		"％", "百分之", "成", "两", "万", "工作", "小",
	}
	pieces = append(pieces, countUnits...)
	for i := range answerTypes {
		for _, expr := range []string{answerTypes[i].asks.expr, answerTypes[i].states.expr} {
			var run []rune
			for _, r := range expr {
				if r < utf8.RuneSelf {
					if len(run) > 0 {
						pieces = append(pieces, string(run))
						if len(run) > 1 {
							pieces = append(pieces, string(run[:len(run)-1]), string(run[1:]))
						}
					}
					run = run[:0]
					continue
				}
				pieces = append(pieces, string(r))
				run = append(run, r)
			}
			if len(run) > 0 {
				pieces = append(pieces, string(run))
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]string, 0, n)
	for len(out) < n {
		var b strings.Builder
		for k := rng.IntN(14); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		out = append(out, b.String())
	}
	// The bounded gaps, at and around their bounds.
	for gap := 0; gap <= 20; gap++ {
		for _, fill := range []string{"x", "的", "，", "。", "？"} {
			g := strings.Repeat(fill, gap)
			out = append(out,
				"多久"+g+"一次", "几个月"+g+"一次吗",
				"由"+g+"中心", "通过"+g+"平台办理", "到"+g+"局",
			)
		}
	}
	return out
}

func TestTopLevelAlternatives(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`多少钱|几万`, "多少钱/几万"},
		{`[0-9]\s*(元|万)|免费`, `[0-9]\s*(元|万)/免费`},
		{`(a|b)[^|,]{0,6}c|d\|e`, `(a|b)[^|,]{0,6}c/d\|e`},
		{`x`, "x"},
	}
	for _, tt := range tests {
		if got := strings.Join(topLevelAlternatives(tt.expr), "/"); got != tt.want {
			t.Errorf("topLevelAlternatives(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestTypeSet(t *testing.T) {
	money, date := &answerTypes[0], &answerTypes[3]
	s := money.bit | date.bit
	if !s.has(money.bit) || !s.has(date.bit) || !s.has(0) || s.has(answerTypes[1].bit) {
		t.Errorf("{money, date} = %s", typeNames(s))
	}
	if !typeSet(0).has(0) {
		t.Error("an empty set does not state the empty list of types")
	}
	if s.has(answerTypes[1].bit) {
		t.Error("{money, date} states frequency")
	}
}

func BenchmarkAskedTypes(b *testing.B) {
	qs := []string{
		nlp.Normalize("值班人员晚上要远程登录系统处理故障，新建项目应依托市政府信息化云平台吗？"),
		nlp.Normalize("市政务办预审要几个工作日？"),
		nlp.Normalize("数据库有哪些品牌可以选"),
	}
	for b.Loop() {
		for _, q := range qs {
			askedTypes(q)
		}
	}
}

func BenchmarkAskedTypesRegexp(b *testing.B) {
	qs := []string{
		nlp.Normalize("值班人员晚上要远程登录系统处理故障，新建项目应依托市政府信息化云平台吗？"),
		nlp.Normalize("市政务办预审要几个工作日？"),
		nlp.Normalize("数据库有哪些品牌可以选"),
	}
	for b.Loop() {
		for _, q := range qs {
			regexpTypes(q, asksOf)
		}
	}
}

// benchClauses are clause texts of the guideline, long and short.
var benchClauses = []string{
	"凡与政务服务有关项目应实现通过市政务办预审。",
	"2018 年后将陆续降低运维经费,每年按 30%核减。",
	"各单位原则上不再新建业务机房,新建项目应依托市政府信息化云平台部署,使用云平台提供的计算、存储、网络及安全服务,确因特殊原因需自建的,须在方案中说明理由并报市工业和信息化委审核同意。",
	"项目存档备查应在该项目采购实施前完成,由项目单位向市工业和信息化委提交项目方案、预算明细及相关证明材料。",
}

func BenchmarkStatedTypes(b *testing.B) {
	for b.Loop() {
		for _, c := range benchClauses {
			statedTypes(c)
		}
	}
}

func BenchmarkStatedTypesRegexp(b *testing.B) {
	for b.Loop() {
		for _, c := range benchClauses {
			regexpTypes(c, statesOf)
		}
	}
}
