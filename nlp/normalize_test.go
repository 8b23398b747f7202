package nlp

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"full-width latin", "ＵＳＢ接口", "usb接口"},
		{"full-width punctuation", "机房，能建吗？", "机房,能建吗?"},
		{"traditional", "機房遷移", "机房迁移"},
		{"traditional phrase", "電子政務外網", "电子政务外网"},
		{"case", "VPN账号", "vpn账号"},
		{"zero width inside word", "电子\u200b政务\u200d外网\ufeff", "电子政务外网"},
		{"control chars", "机\x00房\x07", "机房"},
		{"spaces folded and trimmed", "  远程　　登录  ", "远程 登录"},
		{"invalid utf8 dropped", "机\xff房", "机房"},
		{"keeps negation", "不得新建", "不得新建"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeOffsetsMapBack(t *testing.T) {
	in := "各單位ＶＰＮ設備\u200b，不再購置"
	n, off := NormalizeOffsets(in)
	if len(off) != len(n)+1 {
		t.Fatalf("offset map has %d entries for %d bytes", len(off), len(n))
	}
	// "vpn" in the normalised text maps back to the full-width original.
	i := indexOf(n, "vpn")
	if i < 0 {
		t.Fatalf("normalised %q lacks vpn", n)
	}
	if got := in[off[i]:off[i+3]]; got != "ＶＰＮ" {
		t.Errorf("vpn maps back to %q, want ＶＰＮ", got)
	}
	j := indexOf(n, "购置")
	if got := in[off[j]:off[j+len("购置")]]; got != "購置" {
		t.Errorf("购置 maps back to %q, want 購置", got)
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"機房遷移", "ＵＳＢ", "\xff\xfe", "a\u200bb", "电子政务外网"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, off := NormalizeOffsets(s)
		if len(off) != len(n)+1 {
			t.Fatalf("offset map length %d for %d bytes", len(off), len(n))
		}
		prev := 0
		for _, o := range off {
			if o < prev || o > len(s) {
				t.Fatalf("offsets not monotone within input: %v", off)
			}
			prev = o
		}
		if Normalize(n) != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, Normalize(n))
		}
	})
}
