package ciwf

import "testing"

func TestSetupTerraformVersion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "latest"},
		{">= 1.11", ">=1.11"},
		{"1.11.4", "1.11.4"},
		{"= 1.11.4", "1.11.4"},
		{"~> 1.11", ">=1.11.0 <2.0.0"},
		{"~> 1.11.2", ">=1.11.2 <1.12.0"},
		{"~> 1", ">=1.0.0 <2.0.0"},
		{">= 1.5, < 2.0.0", ">=1.5 <2.0.0"},
		{">= 1.11, >= 1.5", ">=1.11 >=1.5"},
		{">= 1.5, != 1.6.0", ">=1.5"},
		{"!= 1.6.0", "latest"},
		{">= 1.10.0-beta1", ">=1.10.0-beta1"},
	} {
		got, err := setupTerraformVersion(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("setupTerraformVersion(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := setupTerraformVersion(">= banana"); err == nil {
		t.Error("no error for an invalid constraint")
	}
}
