package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvMotoServer names the moto_server executable to use instead of the one
// on PATH, for machines where moto lives in a virtualenv.
const EnvMotoServer = "INFRACTL_MOTO_SERVER"

// MotoRegion is the region every moto-backed test uses, so buckets, tables
// and terraform's backend agree without each test choosing one.
const MotoRegion = "us-east-1"

func init() {
	installHints["moto_server"] = "pip install 'moto[server]==5.2.1' (Python 3), then put moto_server on PATH " +
		"or set " + EnvMotoServer + " to its path"
}

// MotoServer is a running moto_server (S3, DynamoDB, KMS and STS emulation)
// shared by every test of the process, so AWS code is tested with real SDK
// calls and real terraform without an AWS account.
type MotoServer struct {
	// Endpoint is the server's base URL, http://127.0.0.1:PORT, for every
	// service (moto answers them all on one port).
	Endpoint string
	// Region is MotoRegion.
	Region string
	// AccessKey and SecretKey are the dummy credentials moto accepts.
	AccessKey, SecretKey string
	// Env holds the variables to add to the environment of an AWS SDK or
	// terraform child: dummy credentials, the region, AWS_ENDPOINT_URL
	// pointing at moto and no instance-metadata lookups. Shared config
	// files are pointed at /dev/null so a developer's profiles cannot leak in.
	Env []string
	// StartTime is how long the server took to start and answer, for the
	// record (it is zero for every caller but the first).
	StartTime time.Duration
}

// BackendArgs returns the s3 backend arguments (besides bucket, key and
// region) that terraform 1.11 needs to talk to moto, as HCL lines to paste
// into a backend "s3" block: endpoints, path-style addressing, and no STS,
// IAM or metadata lookups.
func (m MotoServer) BackendArgs() string {
	return fmt.Sprintf(`endpoints = {
      s3       = %q
      dynamodb = %q
    }
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
`, m.Endpoint, m.Endpoint)
}

// Moto returns the process's moto_server, starting it on a free loopback
// port the first time. A missing moto_server skips t, or fails it under
// INFRACTL_REQUIRE_INTEGRATION=1; a server that does not start fails t.
//
// One server serves the whole test process: it starts in about 0.4 s on
// the 2-core dev machine (TestMotoShared logs it), more than most AWS tests
// take, so tests share it and keep apart by using their own bucket and
// table names. It stops when
// the test process exits, however that happens: it runs under a shell that
// waits on a pipe only this process holds open, and kills the server when
// the pipe closes.
func Moto(t testing.TB) MotoServer {
	t.Helper()
	path, err := findMoto()
	Need(t, "moto_server", err)
	m, err := startMoto(path)
	if err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	return m
}

// findMoto locates moto_server without starting it.
func findMoto() (string, error) {
	name := os.Getenv(EnvMotoServer)
	if name == "" {
		name = "moto_server"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("looking up %s: %w", name, err)
	}
	return path, nil
}

var (
	motoMu     sync.Mutex
	motoServer *MotoServer
	motoErr    error
)

// startMoto starts the server once per process; a failure is remembered so
// later tests fail fast with the same message.
func startMoto(path string) (MotoServer, error) {
	motoMu.Lock()
	defer motoMu.Unlock()
	if motoServer != nil {
		m := *motoServer
		m.StartTime = 0
		return m, nil
	}
	if motoErr != nil {
		return MotoServer{}, motoErr
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var m MotoServer
		m, err = launchMoto(path)
		if err == nil {
			motoServer = &m
			return m, nil
		}
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	motoErr = err
	return MotoServer{}, err
}

// errPortTaken means another process grabbed the port between our probe
// and moto's bind; starting again on a new port fixes it.
var errPortTaken = errors.New("port already in use")

// motoWrapper runs moto_server in the background and kills it when its
// standard input reaches end of file, which happens when the test process
// (the only holder of the pipe's write end) exits for any reason.
const motoWrapper = `"$0" "$@" </dev/null & pid=$!
cat >/dev/null
kill "$pid" 2>/dev/null
sleep 1
kill -9 "$pid" 2>/dev/null
exit 0`

func launchMoto(path string) (MotoServer, error) {
	port, err := freePort()
	if err != nil {
		return MotoServer{}, err
	}
	start := time.Now()
	cmd := exec.Command("sh", "-c", motoWrapper, path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return MotoServer{}, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return MotoServer{}, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return MotoServer{}, fmt.Errorf("running %s: %w", path, err)
	}
	// The write end stays open for the life of the process; the runtime
	// must not close it when stdin becomes unreachable.
	keepOpen = append(keepOpen, stdin)

	logs := &tailBuffer{max: 4096}
	exited := make(chan error, 1)
	go func() {
		_, _ = io.Copy(logs, bufio.NewReader(out))
		exited <- cmd.Wait()
	}()

	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			msg := logs.String()
			if strings.Contains(msg, "Address already in use") {
				return MotoServer{}, errPortTaken
			}
			return MotoServer{}, fmt.Errorf("moto_server exited (%v) before answering:\n%s", err, msg)
		default:
		}
		resp, err := client.Get(endpoint + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return newMotoServer(endpoint, time.Since(start)), nil
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	_ = stdin.Close() // the wrapper kills moto
	return MotoServer{}, fmt.Errorf("moto_server on %s did not answer within 30s:\n%s", endpoint, logs.String())
}

// keepOpen holds the wrappers' stdin pipes so they close only at exit.
var keepOpen []io.WriteCloser

func newMotoServer(endpoint string, took time.Duration) MotoServer {
	return MotoServer{
		Endpoint:  endpoint,
		Region:    MotoRegion,
		AccessKey: "test",
		SecretKey: "test",
		StartTime: took,
		Env: []string{
			"AWS_ACCESS_KEY_ID=test",
			"AWS_SECRET_ACCESS_KEY=test",
			"AWS_SESSION_TOKEN=",
			"AWS_REGION=" + MotoRegion,
			"AWS_DEFAULT_REGION=" + MotoRegion,
			"AWS_ENDPOINT_URL=" + endpoint,
			"AWS_EC2_METADATA_DISABLED=true",
			"AWS_CONFIG_FILE=" + os.DevNull,
			"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		},
	}
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last max bytes written, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > b.max {
		b.buf = b.buf[len(b.buf)-b.max:]
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
