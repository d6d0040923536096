package ciwf

import (
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	lines := func(n int, change map[int]string) string {
		var sb strings.Builder
		for i := 1; i <= n; i++ {
			if s, ok := change[i]; ok {
				sb.WriteString(s)
				continue
			}
			sb.WriteString("line " + string(rune('a'+i-1)) + "\n")
		}
		return sb.String()
	}
	for _, tc := range []struct {
		name string
		a, b string
		want string
	}{
		{"equal", "x\n", "x\n", ""},
		{
			name: "one change in the middle",
			a:    lines(10, nil),
			b:    lines(10, map[int]string{5: "changed\n"}),
			want: "--- a\n+++ b\n@@ -2,7 +2,7 @@\n line b\n line c\n line d\n-line e\n+changed\n line f\n line g\n line h\n",
		},
		{
			name: "two distant changes make two hunks",
			a:    lines(20, nil),
			b:    lines(20, map[int]string{2: "", 19: "new s\n"}),
			want: "--- a\n+++ b\n@@ -1,5 +1,4 @@\n line a\n-line b\n line c\n line d\n line e\n" +
				"@@ -16,5 +15,5 @@\n line p\n line q\n line r\n-line s\n+new s\n line t\n",
		},
		{
			name: "from an empty file",
			a:    "",
			b:    "a\nb\n",
			want: "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n",
		},
		{
			name: "missing final newline",
			a:    "a\nb",
			b:    "a\nb\n",
			want: "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := UnifiedDiff("a", "b", []byte(tc.a), []byte(tc.b)); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
