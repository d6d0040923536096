package testenv

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestMotoShared(t *testing.T) {
	m := Moto(t)
	t.Logf("moto_server at %s, started in %v", m.Endpoint, m.StartTime)
	again := Moto(t)
	if again.Endpoint != m.Endpoint {
		t.Fatalf("second Moto call started another server: %s, first %s", again.Endpoint, m.Endpoint)
	}
	resp, err := http.Get(m.Endpoint + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto answered %s", resp.Status)
	}
	env := strings.Join(m.Env, "\n")
	for _, want := range []string{"AWS_ACCESS_KEY_ID=test", "AWS_REGION=us-east-1", "AWS_ENDPOINT_URL=" + m.Endpoint} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %s:\n%s", want, env)
		}
	}
	args := m.BackendArgs()
	for _, want := range []string{"use_path_style", "skip_credentials_validation", "skip_requesting_account_id", "skip_metadata_api_check", m.Endpoint} {
		if !strings.Contains(args, want) {
			t.Errorf("BackendArgs lacks %s:\n%s", want, args)
		}
	}
}

// TestMotoStopsWhenPipeCloses checks the mechanism that stops the server
// at process exit: closing the wrapper's stdin, which the kernel does when
// the test process dies, kills moto_server.
func TestMotoStopsWhenPipeCloses(t *testing.T) {
	path, err := findMoto()
	Need(t, "moto_server", err)
	m, err := launchMoto(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second moto_server started in %v", m.StartTime)
	pipe := keepOpen[len(keepOpen)-1]
	keepOpen = keepOpen[:len(keepOpen)-1]
	if err := pipe.Close(); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 200 * time.Millisecond}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := client.Get(m.Endpoint + "/moto-api/data.json")
		if err != nil {
			return // stopped
		}
		resp.Body.Close()
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("moto_server at %s still answers 5s after its pipe closed", m.Endpoint)
}
