package examples

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"

	"streamc.dev/streamc/internal/e2e"
	"streamc.dev/streamc/internal/testserver"
)

// TestClickSessions runs the click_sessions example live against a Kafka-protocol
// broker and a PostgreSQL server the test starts: it produces clicks.jsonl to the
// clicks topic (keyed by user), waits for the sessions to time out and reach the
// sessions table, and compares the table with expected-rows.txt.
func TestClickSessions(t *testing.T) {
	t.Parallel()
	broker := testserver.Kafka(t, 3)
	url := testserver.Postgres(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "create table sessions (usr text, clicks bigint, duration interval, path text)"); err != nil {
		t.Fatal(err)
	}
	bin := e2e.Build(t, "click_sessions/click_sessions.stream")

	data, err := os.ReadFile("click_sessions/clicks.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var c struct{ User string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, &kgo.Record{Topic: "clicks", Key: []byte(c.User), Value: bytes.Clone(sc.Bytes())})
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "--checkpoint", filepath.Join(t.TempDir(), "ckpt"))
	cmd.Env = append(os.Environ(), "KAFKA="+broker, "DATABASE_URL="+url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("click_sessions/expected-rows.txt")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if got = sessionRows(t, conn); strings.Count(got, "\n") >= strings.Count(string(want), "\n") {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("pipeline: %v\n%s", err, stderr.String())
	}
	if got != string(want) {
		t.Errorf("sessions table:\n%s\nwant:\n%s\nstderr:\n%s", got, want, stderr.String())
	}
}

// sessionRows renders the sessions table as "user clicks duration_ms path" lines.
func sessionRows(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	rows, err := conn.Query(context.Background(),
		"select usr, clicks, (extract(epoch from duration) * 1000)::bigint, path from sessions order by usr, path")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var user, path string
		var clicks, ms int64
		if err := rows.Scan(&user, &clicks, &ms, &path); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %d %s\n", user, clicks, ms, path)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
