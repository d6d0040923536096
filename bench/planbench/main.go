// Command planbench measures infractl's plan orchestration against real
// terraform, for docs/benchmarks.md:
//
//	overhead: `infractl plan ENV` against the same `terraform plan -json
//	          -out=...` run directly in the environment, alternating runs,
//	          median and p90 wall time per workload.
//	parallel: `infractl plan --all --parallelism N` over N environments whose
//	          plans are dominated by provider latency (localfs read_delay),
//	          against `infractl plan` of one of them.
//
// Usage: go run ./bench/planbench [-mode overhead|parallel|all] [-runs 15]
//
// It builds infractl, uses that binary as the localfs provider (infractl is
// a multi-call binary), and writes estates under a temp directory.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/infractl/infractl/internal/provider/localfs"
)

func main() {
	mode := flag.String("mode", "all", "overhead, parallel or all")
	runs := flag.Int("runs", 15, "measured runs per case")
	envs := flag.Int("envs", 8, "environments for the parallel case")
	keep := flag.Bool("keep", false, "keep the work directory for inspection")
	flag.Parse()

	work, err := os.MkdirTemp("", "planbench-")
	check(err)
	if *keep {
		fmt.Println("work directory:", work)
	} else {
		defer os.RemoveAll(work)
	}
	infractl := filepath.Join(work, "infractl")
	run(".", nil, "go", "build", "-o", infractl, "./cmd/infractl")
	mirror := filepath.Join(work, "mirror")
	_, err = localfs.WriteMirror(mirror, infractl)
	check(err)
	cliConfig := filepath.Join(work, "terraformrc")
	check(localfs.WriteCLIConfig(cliConfig, mirror))
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1")
	tfVersion := strings.SplitN(string(run(".", env, "terraform", "version")), "\n", 2)[0]
	fmt.Printf("terraform: %s; runs per case: %d; GOMAXPROCS host CPUs: %s\n\n", tfVersion, *runs, strings.TrimSpace(string(run(".", nil, "nproc"))))

	if *mode == "overhead" || *mode == "all" {
		overhead(work, infractl, env, *runs)
	}
	if *mode == "parallel" || *mode == "all" {
		parallel(work, infractl, env, *runs, *envs)
	}
}

// workload is one environment's configuration for the overhead case.
type workload struct {
	name      string
	resources int
	delay     string // localfs read_delay; "" means terraform_data only
}

func overhead(work, infractl string, env []string, runs int) {
	fmt.Println("## overhead: infractl plan ENV vs terraform plan -json -out (same argv)")
	fmt.Println("| workload | terraform median | infractl median | overhead | terraform p90 | infractl p90 |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, w := range []workload{
		{"20 terraform_data (trivial, ~50 ms plan)", 20, ""},
		{"50 localfs files, 20 ms provider latency per read", 50, "20ms"},
		{"100 localfs files, 100 ms provider latency per read", 100, "100ms"},
	} {
		root := filepath.Join(work, "overhead-"+fmt.Sprint(w.resources)+w.delay)
		dir := writeEnv(root, "dev", w.resources, w.delay)
		e := append(slices.Clone(env), "LOCALFS_READ_DELAY="+w.delay)
		run(root, e, infractl, "init", "dev")
		run(root, e, infractl, "plan", "dev")
		run(root, e, infractl, "apply", "dev") // so plans refresh real objects
		var direct, wrapped []time.Duration
		for i := 0; i < runs+1; i++ {
			d := timed(dir, e, "terraform", "plan", "-json", "-input=false", "-no-color", "-out=.infractl.tfplan")
			x := timed(root, e, infractl, "plan", "dev")
			if i == 0 {
				continue // warm-up
			}
			direct, wrapped = append(direct, d), append(wrapped, x)
		}
		md, mx := median(direct), median(wrapped)
		fmt.Printf("| %s | %s | %s | %+.1f%% | %s | %s |\n", w.name, ms(md), ms(mx),
			100*(float64(mx)-float64(md))/float64(md), ms(p90(direct)), ms(p90(wrapped)))
	}
	fmt.Println()
}

func parallel(work, infractl string, env []string, runs, n int) {
	root := filepath.Join(work, "parallel")
	for i := 0; i < n; i++ {
		writeEnv(root, fmt.Sprintf("env%02d", i), 20, "1s")
	}
	e := append(slices.Clone(env), "LOCALFS_READ_DELAY=1s")
	run(root, e, infractl, "init", "--all")
	run(root, e, infractl, "plan", "--all")
	run(root, e, infractl, "apply", "--all")
	var one, all []time.Duration
	for i := 0; i < runs+1; i++ {
		a := timed(root, e, infractl, "plan", "env00")
		b := timed(root, e, infractl, "plan", "--all", "--parallelism", fmt.Sprint(n))
		if i == 0 {
			continue
		}
		one, all = append(one, a), append(all, b)
	}
	fmt.Printf("## parallel: %d environments x 20 localfs files, 1 s provider latency per read (terraform refreshes 10 at a time)\n", n)
	fmt.Println("| case | median | p90 |")
	fmt.Println("|---|---:|---:|")
	fmt.Printf("| infractl plan env00 (one environment) | %s | %s |\n", ms(median(one)), ms(p90(one)))
	fmt.Printf("| infractl plan --all --parallelism %d | %s | %s |\n", n, ms(median(all)), ms(p90(all)))
	fmt.Printf("\nratio (all / one, medians): %.2fx (target <= 1.5x)\n\n", float64(median(all))/float64(median(one)))
}

// writeEnv writes environments/<name>/main.tf with n resources and returns
// the environment directory.
func writeEnv(root, name string, n int, delay string) string {
	dir := filepath.Join(root, "environments", name)
	check(os.MkdirAll(dir, 0o755))
	var b strings.Builder
	if delay == "" {
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "resource \"terraform_data\" \"r%d\" {\n  input = \"value-%d\"\n}\n", i, i)
		}
	} else {
		b.WriteString(localfs.RequiredProviders + "\n")
		fmt.Fprintf(&b, "resource \"localfs_file\" \"f\" {\n  count   = %d\n  path    = \"files/f${count.index}.txt\"\n  content = \"content ${count.index}\\n\"\n}\n", n)
	}
	check(os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o644))
	return dir
}

func timed(dir string, env []string, name string, args ...string) time.Duration {
	start := time.Now()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	d := time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 2 {
		err = nil // plan found changes
	}
	if err != nil {
		log.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return d
}

func run(dir string, env []string, name string, args ...string) []byte {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 2 {
		err = nil
	}
	if err != nil {
		log.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func median(d []time.Duration) time.Duration { return quantile(d, 0.5) }
func p90(d []time.Duration) time.Duration    { return quantile(d, 0.9) }

func quantile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1)+0.5)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
