package tfstate

import (
	"testing"
)

func TestInspectMatchesParse(t *testing.T) {
	for _, name := range fixtureNames {
		t.Run(name, func(t *testing.T) {
			b := readFixture(t, name)
			got, err := Inspect(b)
			if err != nil {
				t.Fatal(err)
			}
			if want := parseFixture(t, name).Meta(); got != want {
				t.Errorf("Inspect = %+v\nParse   = %+v", got, want)
			}
		})
	}
}

func TestInspectCounts(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Meta
	}{
		{
			name: "managed with count, deposed not counted, data separate",
			body: `{"version": 4, "terraform_version": "1.11.4", "serial": 7, "lineage": "l", "outputs": {"a": {"value": 1, "type": "number"}},
				"resources": [
					{"mode": "managed", "type": "t", "name": "a", "provider": "p", "instances": [
						{"index_key": 0, "attributes": {"x": {"deep": [1, 2, {"y": "z"}]}}},
						{"index_key": 1, "attributes": {}},
						{"index_key": 1, "deposed": "00000001", "attributes": {}}]},
					{"mode": "data", "type": "t", "name": "b", "provider": "p", "instances": [{"attributes": {}}]},
					{"module": "module.m", "mode": "managed", "type": "t", "name": "c", "provider": "p", "instances": []}
				], "check_results": null}`,
			want: Meta{Version: 4, TerraformVersion: "1.11.4", Serial: 7, Lineage: "l",
				Resources: 2, Instances: 2, DataResources: 1, Outputs: 1},
		},
		{
			name: "mode after instances",
			body: `{"version": 4, "serial": 1, "lineage": "l", "resources": [{"instances": [{}, {}], "mode": "managed"}]}`,
			want: Meta{Version: 4, Serial: 1, Lineage: "l", Resources: 1, Instances: 2},
		},
		{
			name: "empty",
			body: `{"version": 4, "serial": 0, "lineage": "l"}`,
			want: Meta{Version: 4, Lineage: "l"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Inspect([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Size = int64(len(tt.body))
			if got != tt.want {
				t.Errorf("Inspect = %+v\nwant      %+v", got, tt.want)
			}
		})
	}
}

func TestMetaIsEmpty(t *testing.T) {
	tests := []struct {
		meta Meta
		want bool
	}{
		{Meta{}, true},
		{Meta{Serial: 9, Lineage: "l"}, true},
		{Meta{Resources: 1}, false},
		{Meta{DataResources: 1}, false},
		{Meta{Outputs: 1}, false},
	}
	for _, tt := range tests {
		if got := tt.meta.IsEmpty(); got != tt.want {
			t.Errorf("%+v.IsEmpty() = %v, want %v", tt.meta, got, tt.want)
		}
	}
}
