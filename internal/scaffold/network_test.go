package scaffold

import (
	"net/netip"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func used(prefixes ...string) []usedPrefix {
	var out []usedPrefix
	for _, p := range prefixes {
		out = append(out, usedPrefix{prefix: netip.MustParsePrefix(p), env: "x", name: "v"})
	}
	return out
}

func TestNextFree(t *testing.T) {
	for _, tc := range []struct {
		from string
		used []usedPrefix
		want string
	}{
		{"10.30.0.0/16", used("10.10.0.0/16", "10.30.0.0/16"), "10.31.0.0/16"},
		{"10.30.0.0/16", used("10.30.0.0/16", "10.31.0.0/16", "10.32.4.0/24"), "10.33.0.0/16"},
		{"10.255.0.0/16", used("10.255.0.0/16", "10.0.0.0/16"), "10.1.0.0/16"},
		{"172.31.0.0/16", used("172.31.0.0/16"), "172.16.0.0/16"},
		{"192.168.0.0/20", used("192.168.0.0/20", "192.168.16.0/20"), "192.168.32.0/20"},
	} {
		got, ok := nextFree(netip.MustParsePrefix(tc.from), tc.used)
		if !ok || got.String() != tc.want {
			t.Errorf("nextFree(%s) = %s %v, want %s", tc.from, got, ok, tc.want)
		}
	}
	if _, ok := nextFree(netip.MustParsePrefix("192.168.0.0/17"), used("192.168.0.0/17", "192.168.128.0/17")); ok {
		t.Error("nextFree found a range in a full block")
	}
}

func TestPrefixesIn(t *testing.T) {
	v := cty.ObjectVal(map[string]cty.Value{
		"a":    cty.StringVal("10.1.0.0/24"),
		"list": cty.TupleVal([]cty.Value{cty.StringVal("203.0.113.0/24"), cty.StringVal("172.16.4.0/22")}),
		"host": cty.StringVal("10.1.0.5/24"), // not a network address
	})
	got := prefixesIn("net", v)
	if len(got) != 2 || got[0].name != `net.a` || got[1].name != `net.list[1]` {
		t.Errorf("prefixesIn = %+v", got)
	}
}

func TestShift(t *testing.T) {
	got, ok := shift(netip.MustParsePrefix("10.30.4.0/24"), netip.MustParsePrefix("10.30.0.0/16"), netip.MustParsePrefix("10.31.0.0/16"))
	if !ok || got.String() != "10.31.4.0/24" {
		t.Errorf("shift = %s %v", got, ok)
	}
	if _, ok := shift(netip.MustParsePrefix("10.30.200.0/24"), netip.MustParsePrefix("10.30.0.0/16"), netip.MustParsePrefix("10.31.0.0/17")); ok {
		t.Error("shift moved a subnet outside a smaller range")
	}
}
