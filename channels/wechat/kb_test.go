package wechat_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"zhiyin/kb"
	"zhiyin/kb/bleveindex"
)

// Clauses of the tiny test knowledge base: real ones from the 2017
// guideline, a long one, and one whose text could break XML.
const (
	docID        = "gz-2017-it-guideline"
	docTitle     = "2017年广州市财政投资信息化项目建设内容指引"
	docShort     = "2017信息化建设指引"
	nastyMarker  = "机房温湿度监控"
	longSentence = "运维单位应当按照运维合同的约定，对本单位信息化项目的服务器、存储设备、网络设备和安全设备逐台开展巡检并形成巡检记录，"
)

func longText() string {
	var b strings.Builder
	for i := 0; b.Len() < 7000; i++ {
		b.WriteString(longSentence)
	}
	b.WriteString("巡检记录应保存三年。")
	return b.String()
}

func testKnowledge() kb.Knowledge {
	d := kb.Document{
		ID: docID, Title: docTitle, ShortTitle: docShort, Status: kb.StatusCurrent,
		Clauses: []kb.Clause{
			{ID: "1", Label: "一、", Title: "基础设施层方面", Text: ""},
			{ID: "1.1", Label: "一、（一）", Title: "机房建设", Text: "各单位不再新建业务机房,可建设本单位的网络机房,用于本地部署网络设备和视频监控等。各单位业务应用系统应部署在市政府信息化云平台。"},
			{ID: "1.2", Label: "一、（二）", Title: "网络建设", Text: ""},
			{ID: "1.2.1", Label: "一、（二）1.", Text: "统一使用电子政务内外网。业务系统原则上部署在电子政务外网(含业务专网)或电子政务内网上;非涉密业务系统应部署在电子政务外网(含业务专网) ,涉密业务系统应部署在电子政务内网。"},
			{ID: "1.2.3", Label: "一、（二）3.", Title: "统一使用全市VPN系统", Text: "统一使用全市 VPN 系统。各单位原则上不再购置 VPN 设备,凡通过互联网进入电子政务外网使用业务系统(移动办公等非互联网应用系统)或开展业务系统维护的,应采用广州市信息化服务中心提供的 VPN 平台(每一级单位 50 个账号,超出 50 个账号购置 license 费用概算参见方案编写指南)"},
			{ID: "6.1", Label: "六、1.", Text: "凡项目立项、变更、备案均应先报一级预算单位审核,由一级预算单位汇总后统一报送市工信委。"},
			{ID: "6.2", Label: "六、2.", Text: "项目存档备查应在该项目采购实施前完成。"},
			{ID: "7.1", Label: "七、1.", Title: "运维巡检", Text: longText()},
			{ID: "7.2", Label: "七、2.", Title: "机房监控", Text: nastyMarker + "数据中的]]>标记和\f换页符应原样保存。"},
		},
	}
	return kb.Knowledge{
		Documents: []kb.Document{d},
		FAQs: []kb.FAQ{
			{ID: "a", Doc: docID, Clauses: []string{"1.1", "1.2.1"}, Question: "单位还能自己建机房吗？", Similar: []string{"我们单位能不能新建业务机房？"}},
			{ID: "b", Doc: docID, Clauses: []string{"1.2.3", "1.2.1"}, Question: "值班人员晚上要远程登录系统处理故障用什么VPN？", Similar: []string{"远程维护业务系统要用哪个VPN平台？"}},
			{ID: "c", Doc: docID, Clauses: []string{"7.1"}, Question: "运维巡检有什么要求？", Similar: []string{"服务器巡检记录要保存多久？"}},
			{ID: "d", Doc: docID, Clauses: []string{"7.2"}, Question: "机房温湿度监控数据怎么保存？"},
		},
	}
}

var (
	svcOnce sync.Once
	svc     *kb.Service
	svcErr  error
)

// service is the test knowledge base's answering service, built once per
// test binary (building the segmenter takes a moment) and shared: tests use
// distinct OpenIDs, so their sessions do not meet.
func service(t testing.TB) *kb.Service {
	t.Helper()
	svcOnce.Do(func() {
		svc, svcErr = kb.NewService(context.Background(), testKnowledge(), 1, kb.Options{Index: bleveindex.Build})
	})
	if svcErr != nil {
		t.Fatalf("kb.NewService: %v", svcErr)
	}
	return svc
}
