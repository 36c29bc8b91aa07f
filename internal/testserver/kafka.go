package testserver

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// brokerBuild caches the kfakebroker binary built once per process.
var brokerBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// kfakeBroker builds internal/cmd/kfakebroker into a temporary directory.
func kfakeBroker() (string, error) {
	brokerBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "streamc-kfake-")
		if err != nil {
			brokerBuild.err = err
			return
		}
		brokerBuild.dir = dir
		path := filepath.Join(dir, "kfakebroker")
		goTool := filepath.Join(goroot(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			goTool = "go"
		}
		cmd := exec.Command(goTool, "build", "-o", path, "streamc.dev/streamc/internal/cmd/kfakebroker")
		if out, err := cmd.CombinedOutput(); err != nil {
			brokerBuild.err = fmt.Errorf("go build kfakebroker: %v\n%s", err, out)
			return
		}
		brokerBuild.path = path
	})
	return brokerBuild.path, brokerBuild.err
}

func goroot() string {
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return "/usr/local/go"
}

// Kafka starts a Kafka-protocol broker (franz-go's kfake, in a process of its own) on a
// free loopback port and returns its seed address, host:port. Topics are created on
// first use with partitions partitions (the broker allows automatic topic creation). The
// process is killed by its PID when t's cleanup runs.
func Kafka(t testing.TB, partitions int) string {
	t.Helper()
	bin, err := kfakeBroker()
	if err != nil {
		t.Fatalf("building the Kafka test broker: %v", err)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-partitions", strconv.Itoa(partitions))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the Kafka test broker: %v", err)
	}
	done := make(chan struct{})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				addr <- a
			}
		}
	}()
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	select {
	case a := <-addr:
		return a
	case <-done:
		t.Fatalf("the Kafka test broker exited before listening")
	case <-time.After(30 * time.Second):
		t.Fatalf("the Kafka test broker did not print its address within 30s")
	}
	return ""
}
