package kb

import "testing"

func TestAnswerTypes(t *testing.T) {
	tests := []struct {
		question, clause string
		answered         bool
	}{
		{"预审要几个工作日", "凡与政务服务有关项目应实现通过市政务办预审。", false},
		{"存档备查什么时候完成", "项目存档备查应在该项目采购实施前完成。", true},
		{"VPN账号每个单位多少个", "每一级单位 50 个账号", true},
		{"license多少钱一个", "超出 50 个账号购置 license 费用概算参见方案编写指南", false},
		{"预算超过多少万要招标", "每一级单位 50 个账号", false},
		{"数据多久备份一次", "项目方案须明确所使用的计算资源并预留一年租赁资金。", false},
		{"多久核减一次", "2018 年后将陆续降低运维经费,每年按 30%核减。", true},
		{"数据库有哪些品牌可以选", "原则上应采用自主可控的国产软硬件产品。", false},
		{"基础软件用哪家的产品", "均应使用云平台服务商中标产品。", true},
		{"那国外品牌的呢", "原则上应采用国产软硬件产品。", true}, // about foreign brands, not asking which brand
		{"绩效评估的评分标准是什么", "对已经建成的信息化系统进行专项评估,形成绩效评估报告。", false},
		{"数字证书按什么标准", "使用数字证书应严格遵循有关规定的要求和技术标准。", true},
		{"存档备查要交什么材料", "项目存档备查应在该项目采购实施前完成。", false},
		{"地理信息共享怎么申请", "可向国土规划部门提出地理空间类信息共享申请", true},
		{"内网怎么申请接入", "涉密业务系统应部署在电子政务内网。", false},
		{"单位能建机房吗", "各单位不再新建业务机房。", true}, // asks for no particular kind of fact
	}
	for _, tt := range tests {
		got := statesAll(tt.clause, askedTypes(tt.question))
		if got != tt.answered {
			t.Errorf("%q against %q: answerable = %v, want %v", tt.question, tt.clause, got, tt.answered)
		}
	}
}
