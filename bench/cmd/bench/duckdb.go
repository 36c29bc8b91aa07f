package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"streamc.dev/streamc/bench/gen"
)

// duckDB runs the SQL references through DuckDB's Node API, installed from npm into dir
// (the package ships its native library: no download at install time).
type duckDB struct {
	dir, work string
	data      gen.Data
	err       string // why DuckDB is not available
	version   string
}

const duckPackage = "@duckdb/node-api@1.5.6-r.1"

func (d *duckDB) install() error {
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("node is not installed (apt-get install nodejs npm)")
	}
	if _, err := os.Stat(filepath.Join(d.dir, "node_modules", "@duckdb", "node-api")); err != nil {
		logf("installing %s with npm into %s", duckPackage, d.dir)
		if err := os.MkdirAll(d.dir, 0o755); err != nil {
			return err
		}
		cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--prefix", d.dir, duckPackage)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("npm install %s: %v\n%s", duckPackage, err, tail(string(msg), 1500))
		}
	}
	if err := os.WriteFile(filepath.Join(d.dir, "bench.mjs"), []byte(duckScript), 0o644); err != nil {
		return err
	}
	out, err := exec.Command("node", filepath.Join(d.dir, "bench.mjs"), "version", "1", "-").Output()
	if err != nil {
		return fmt.Errorf("DuckDB does not start: %v", err)
	}
	d.version = strings.TrimSpace(string(out))
	return nil
}

// duckScript runs a workload's query with a number of threads, once per batch (or
// window) of input files, as a DuckDB user processing micro-batches would: BENCH_SQL
// holds the query with {files} where the batch's files go, BENCH_GROUPS the batches (a
// JSON array of arrays of paths). Each query writes its rows to out.N (N from 0) with
// COPY, one rendered line per row, the way the pipeline prints them.
const duckScript = `import { DuckDBInstance } from '@duckdb/node-api';
const [query, threads, out] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
if (query === 'version') {
  const r = await c.runAndReadAll('select version()');
  console.log(r.getRows()[0][0]);
  process.exit(0);
}
await c.run('SET threads = ' + Number(threads));
const sql = process.env.BENCH_SQL;
const groups = JSON.parse(process.env.BENCH_GROUPS);
const quote = (f) => "'" + f.replaceAll("'", "''") + "'";
for (const [i, files] of groups.entries()) {
  const q = sql.replaceAll('{files}', '[' + files.map(quote).join(', ') + ']');
  await c.run("COPY (" + q + ") TO '" + out + "." + i + "' (FORMAT csv, HEADER false, DELIMITER '\t', QUOTE '')");
}
`

// bidsCSV is the relation of the bid files of one batch: the schema of the pipeline's
// Bid, no quoting (the generator never quotes).
const bidsCSV = `read_csv({files}, header=false, auto_detect=false, quote='', escape='', delim=',', columns={'auction':'BIGINT','bidder':'BIGINT','price':'BIGINT','channel':'VARCHAR','url':'VARCHAR','dateTime':'BIGINT','extra':'VARCHAR'})`

// events is the relation of the YSB event files of one batch (or window).
const events = `read_json({files}, format='newline_delimited', columns={'user_id':'VARCHAR','page_id':'VARCHAR','ad_id':'VARCHAR','ad_type':'VARCHAR','event_type':'VARCHAR','event_time':'VARCHAR','ip_address':'VARCHAR'})`

// textLines is the relation of the lines of one batch's text file, one row per line: a
// CSV of one column whose delimiter (chr(1)) the text never holds, without quoting.
const textLines = `read_csv({files}, header=false, auto_detect=false, quote='', escape='', delim=chr(1), columns={'line':'VARCHAR'})`

const renderBid = `'Bid{auction:' || auction || ',bidder:' || bidder || ',price:' || %s || ',channel:' || channel || ',url:' || url || ',dateTime:' || strftime(epoch_ms(dateTime), '%%Y-%%m-%%dT%%H:%%M:%%S.%%gZ') || ',extra:' || extra || '}'`

// sql returns the query of a workload, run once per group of input files (groups): one
// group per batch, or per window for a windowed workload, in output order. Its rows,
// group after group, must equal the lines the pipeline prints, headers and blank lines
// left out.
func (d *duckDB) sql(name string) (sql string, groups [][]string) {
	perFile := func(dir string) [][]string {
		var g [][]string
		for _, f := range batchFiles(dir) {
			g = append(g, []string{f})
		}
		return g
	}
	switch name {
	case "wordcount_batch":
		// words() splits on runs of white space; '\s+' is RE2's ASCII white space.
		return `SELECT '(' || word || ',' || count(*) || ')' FROM (
			SELECT unnest(string_split_regex(line, '\s+')) AS word FROM ` + textLines + `)
			WHERE word <> '' GROUP BY word ORDER BY word`, perFile(d.data.WordCount)
	case "q0":
		return "SELECT " + fmt.Sprintf(renderBid, "price") + " FROM " + bidsCSV, perFile(d.data.Bids)
	case "q1":
		return "SELECT " + fmt.Sprintf(renderBid, "(price * 89 // 100)") + " FROM " + bidsCSV, perFile(d.data.Bids)
	case "q2":
		return "SELECT '(' || auction || ',' || price || ')' FROM " + bidsCSV + " WHERE auction % 123 = 0", perFile(d.data.Bids)
	case "ysb_adcount":
		return `SELECT '(' || ad_id || ',' || count(*) || ')' FROM ` + events +
			` WHERE event_type = 'view' GROUP BY ad_id ORDER BY ad_id`, perFile(d.data.YSBEvents)
	case "ysb":
		// One query per tumbling 10 s window: the window's ten batch files.
		files := batchFiles(d.data.YSBEvents)
		var g [][]string
		for i := 0; i < len(files); i += 10 {
			g = append(g, files[i:min(i+10, len(files))])
		}
		return fmt.Sprintf(`SELECT '(' || c.campaign_id || ',' || count(*) || ')' FROM %s e
			JOIN read_json('%s', format='newline_delimited', columns={'ad_id':'VARCHAR','campaign_id':'VARCHAR'}) c ON e.ad_id = c.ad_id
			WHERE e.event_type = 'view'
			GROUP BY c.campaign_id ORDER BY c.campaign_id`, events, d.data.Campaigns), g
	}
	panic("no SQL for " + name)
}

// batchFiles lists the files of dir as a replayed files source takes them: regular,
// not hidden, in name order.
func batchFiles(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out // os.ReadDir sorts by name
}

// run times the query c.runs times with as many threads as r.procs and checks its rows
// against the baseline's output (which equals the pipeline's when outputsEqual).
func (d *duckDB) run(c config, r *result) {
	out := filepath.Join(d.work, "duck.txt")
	defer os.Remove(out)
	sql, groups := d.sql(r.w.duckdb)
	groupsJSON, err := json.Marshal(groups)
	if err != nil {
		r.duckErr = err.Error()
		return
	}
	removeParts := func() {
		for i := range groups {
			os.Remove(out + "." + strconv.Itoa(i))
		}
	}
	defer removeParts()
	for range c.runs {
		removeParts()
		cmd := exec.Command("node", filepath.Join(d.dir, "bench.mjs"), r.w.duckdb, strconv.Itoa(r.procs), out)
		cmd.Env = append(os.Environ(), "BENCH_SQL="+sql, "BENCH_GROUPS="+string(groupsJSON))
		t0 := time.Now()
		msg, err := cmd.CombinedOutput()
		if err != nil {
			r.duckErr = fmt.Sprintf("%v: %s", err, tail(string(msg), 500))
			return
		}
		r.duck = append(r.duck, time.Since(t0))
	}
	// The rows of the groups, in order, in one file (outside the timing).
	if err := concatParts(out, len(groups)); err != nil {
		r.duckErr = err.Error()
		return
	}
	// Both sides are compared as streams: holding outputs of a gigabyte in the driver
	// would also inflate what the kernel reports as later children's peak memory.
	dir, env := r.w.input(d.data)
	baseOut := filepath.Join(d.work, "duck-base.txt")
	defer os.Remove(baseOut)
	f, err := os.Create(baseOut)
	if err != nil {
		r.duckErr = err.Error()
		return
	}
	cmd := exec.Command(filepath.Join(d.work, "bin", "baseline-"+filepath.Base(r.w.baseline)), r.w.baseArgs...)
	cmd.Env = append(os.Environ(), append(env, "INPUT="+dir)...)
	cmd.Stdout = f
	err = cmd.Run()
	f.Close()
	if err != nil {
		r.duckErr = err.Error()
		return
	}
	r.duckEqual, r.duckErr = sameBody(out, baseOut)
}

// concatParts writes the files out.0 … out.(n-1) one after the other into out.
func concatParts(out string, n int) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	for i := range n {
		p, err := os.Open(out + "." + strconv.Itoa(i))
		if err != nil {
			f.Close()
			return err
		}
		_, err = io.Copy(f, p)
		p.Close()
		if err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// sameBody compares the rows DuckDB wrote (file duck) with the elements of a pipeline
// output (file printed), line by line.
func sameBody(duck, printed string) (bool, string) {
	a, err := os.Open(duck)
	if err != nil {
		return false, err.Error()
	}
	defer a.Close()
	b, err := os.Open(printed)
	if err != nil {
		return false, err.Error()
	}
	defer b.Close()
	sa, sb := bufio.NewScanner(a), bufio.NewScanner(b)
	sa.Buffer(nil, 1<<24)
	sb.Buffer(nil, 1<<24)
	next := func() (string, bool) {
		for sb.Scan() {
			l := sb.Text()
			if l == "" || strings.HasPrefix(l, "Time: ") || strings.HasPrefix(l, "-------------------------------------------") {
				continue
			}
			return l, true
		}
		return "", false
	}
	for n := 1; ; n++ {
		okA := sa.Scan()
		y, okB := next()
		if !okA && !okB {
			return true, ""
		}
		if !okA || !okB || sa.Text() != y {
			var got string
			if okA {
				got = sa.Text()
			}
			return false, fmt.Sprintf("rows differ from the output at row %d: DuckDB %q, output %q", n, got, y)
		}
	}
}
