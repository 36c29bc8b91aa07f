package testserver

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// pgInstall caches the outcome of finding (or installing) PostgreSQL, once per process.
var pgInstall struct {
	once sync.Once
	bin  string // directory holding initdb and postgres
	err  error
}

// postgresBin returns the directory of the PostgreSQL server binaries, installing the
// Debian package first when none is found.
func postgresBin() (string, error) {
	pgInstall.once.Do(func() {
		if dir := findPostgres(); dir != "" {
			pgInstall.bin = dir
			return
		}
		if err := aptInstall(func() bool { return findPostgres() != "" }, "postgresql"); err != nil {
			pgInstall.err = err
			return
		}
		if dir := findPostgres(); dir != "" {
			pgInstall.bin = dir
			return
		}
		pgInstall.err = errors.New("the postgresql package is installed but no initdb was found under /usr/lib/postgresql/*/bin")
	})
	return pgInstall.bin, pgInstall.err
}

// findPostgres looks for the newest Debian layout (/usr/lib/postgresql/N/bin), then for
// initdb on PATH.
func findPostgres() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		return filepath.Dir(p)
	}
	return ""
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// aptInstall installs Debian packages unless found reports them installed. Test
// binaries of several packages run at once, so a file lock serialises the installs
// across processes (apt's own lock makes a second apt-get fail rather than wait).
func aptInstall(found func() bool, pkgs ...string) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s is not installed and the tests do not run as root, so they cannot install it", strings.Join(pkgs, ", "))
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("%s is not installed and there is no apt-get to install it", strings.Join(pkgs, ", "))
	}
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "streamc-testserver-apt.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	// Another process may have installed it while this one waited for the lock.
	if found() {
		return nil
	}
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	update := exec.Command("apt-get", "update")
	update.Env = env
	if out, err := update.CombinedOutput(); err != nil {
		return fmt.Errorf("apt-get update: %v\n%s", err, tail(out))
	}
	install := exec.Command("apt-get", append([]string{"install", "-y", "--no-install-recommends"}, pkgs...)...)
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil {
		return fmt.Errorf("apt-get install %s: %v\n%s", strings.Join(pkgs, " "), err, tail(out))
	}
	return nil
}

func tail(out []byte) string {
	if len(out) > 2000 {
		out = out[len(out)-2000:]
	}
	return string(out)
}

// Postgres starts a PostgreSQL server of its own for t and returns its URL, such as
// postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable (user postgres, trust
// authentication, database postgres). The server lives in a fresh temporary directory
// (data directory and unix socket), listens on a free loopback port, runs with fsync
// off (tests need speed, not durability across power loss), and is stopped by its PID
// when t's cleanup runs.
//
// PostgreSQL refuses to run as root, so when the test runs as root the server runs as
// the postgres user (created by the Debian package). When the server binaries are
// missing, the Debian package is installed (apt-get update, then apt-get install
// postgresql), once per process. The test is skipped, with the reason, only when that
// cannot be done.
func Postgres(t testing.TB) string {
	t.Helper()
	bin, err := postgresBin()
	if err != nil {
		t.Skipf("PostgreSQL is not available: %v", err)
	}
	srv, err := startPostgres(bin)
	if err != nil {
		t.Fatalf("starting PostgreSQL: %v", err)
	}
	t.Cleanup(srv.stop)
	return srv.url
}

// pgServer is one running server.
type pgServer struct {
	dir  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	url  string
}

func startPostgres(bin string) (_ *pgServer, err error) {
	// The server runs as the postgres user when the test runs as root; it must be able
	// to reach its directory, which a private TMPDIR (mode 0700) would prevent.
	parent := ""
	if os.Geteuid() == 0 {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "streamc-pg-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	// The server user must reach the directory; the test process may be root.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(data, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, tail(out))
	}

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	if cred != nil {
		os.Chown(logPath, int(cred.Uid), int(cred.Gid))
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-k", dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=32MB")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	cmd.Dir = dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	srv := &pgServer{dir: dir, cmd: cmd, done: make(chan struct{}),
		url: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	go func() { cmd.Wait(); close(srv.done) }()

	if err := srv.waitReady(logPath, port, 60*time.Second); err != nil {
		srv.stop()
		return nil, err
	}
	return srv, nil
}

// waitReady waits for the log line that says the server accepts connections, then for
// its port to accept a TCP connection.
func (s *pgServer) waitReady(logPath string, port int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres exited during start-up:\n%s", tail(log))
		default:
		}
		if logHas(logPath, "ready to accept connections") {
			c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
			if err == nil {
				c.Close()
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	return fmt.Errorf("postgres not ready after %v:\n%s", timeout, tail(log))
}

func logHas(path, s string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			return true
		}
	}
	return false
}

// stop asks the server for a fast shutdown (SIGINT) by its PID, kills it if it has not
// exited after ten seconds, and removes its directory.
func (s *pgServer) stop() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
	os.RemoveAll(s.dir)
}

// serverCredential returns the postgres user's identity when the process runs as root
// (the server refuses root), else nil: the server runs as the current user.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs the postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
