package lint

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestHasUpperBound(t *testing.T) {
	for constraint, want := range map[string]bool{
		"~> 6.0": true, ">= 5.0, < 7.0": true, "= 5.1.0": true, "5.1.0": true, "<= 6": true,
		">= 5.0": false, "> 4": false, "!= 5.2.0": false, ">= 5.0, != 5.3.0": false,
	} {
		if got := hasUpperBound(constraint); got != want {
			t.Errorf("hasUpperBound(%q) = %v, want %v", constraint, got, want)
		}
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"db_password": true, "password": true, "api_token": true, "client_secret": true, "secret_key": true,
		"api_key": true, "sse_customer_key": true, "privateKey": true, "GITHUB_TOKEN": true,
		"key": false, "hash_key": false, "kms_key_id": false, "secret_name": false, "token_file": false,
		"password_length": false, "master_user_secret_arn": false, "public_key": false, "key_name": false,
		"manage_master_user_password": true,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLooksSecret(t *testing.T) {
	for s, want := range map[string]bool{
		"Zq8#vLw2!pR5tY9k": true, "s8Df7Gh6Jk5Lm4Nb3Vc2": true,
		"short": false, "aaaaaaaaaaaaaaaa": false, "changeme123": false, "REPLACE_ME_AT_RUNTIME": false,
		"arn:aws:secretsmanager:eu-west-1:1:secret:x": false, "${var.password}": false, "two words here": false,
	} {
		if got := looksSecret(s); got != want {
			t.Errorf("looksSecret(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestRedactShowsFourCharacters(t *testing.T) {
	got := redact("Zq8#vLw2!pR5tY9k")
	if got != `"Zq8#"… (16 characters)` || strings.Contains(got, "vLw2") {
		t.Errorf("redact = %s", got)
	}
}

func TestInstanceRank(t *testing.T) {
	order := []string{"t3.nano", "t3.micro", "t3.small", "t3.medium", "m6i.large", "m6i.xlarge", "m6i.2xlarge", "m6i.12xlarge", "m6i.metal"}
	prev := -1.0
	for _, s := range order {
		r, ok := instanceRank(s)
		if !ok || r <= prev {
			t.Errorf("instanceRank(%s) = %v, %v; want above %v", s, r, ok, prev)
		}
		prev = r
	}
	for _, s := range []string{"db.t4g.micro", "cache.r6g.large"} {
		if _, ok := instanceRank(s); !ok {
			t.Errorf("%s not recognised", s)
		}
	}
	if _, ok := instanceRank("Standard_D2s_v3"); ok {
		t.Error("an Azure size was ranked")
	}
}

func TestNumberQuantities(t *testing.T) {
	for s, want := range map[string]float64{"500m": 0.5, "2": 2, "1Gi": 1 << 30, "512Mi": 512 << 20, "1.5": 1.5} {
		got, _, ok := number(cty.StringVal(s))
		if !ok || got != want {
			t.Errorf("number(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	if _, _, ok := number(cty.StringVal("t3.large")); ok {
		t.Error("an instance type read as a number")
	}
}

func TestNameTokens(t *testing.T) {
	got := strings.Join(nameTokens("dbMaxAllocated_storage-size.v2"), ",")
	if got != "db,max,allocated,storage,size,v2" {
		t.Errorf("nameTokens = %s", got)
	}
}

// TestMonitoringIntervalIsNotCapacity is the reference estate's case: a
// monitoring interval that gets smaller (finer) in prod is not capacity.
func TestMonitoringIntervalIsNotCapacity(t *testing.T) {
	for _, name := range []string{"db_monitoring_interval", "flow_logs_retention_days", "max_session_duration_seconds", "min_tls_version"} {
		if !hasToken([]string{name}, notCapacity) && hasToken([]string{name}, capacityTokens) {
			t.Errorf("%s would be compared as capacity", name)
		}
	}
	for _, name := range []string{"node_max_size", "desired_count", "db_allocated_storage", "replicas"} {
		if hasToken([]string{name}, notCapacity) || !hasToken([]string{name}, capacityTokens) {
			t.Errorf("%s would not be compared as capacity", name)
		}
	}
}
