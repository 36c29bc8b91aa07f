package main

import (
	"bufio"
	"fmt"
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

// duckScript runs one query with a number of threads; the query writes its rows to the
// output file with COPY, one rendered line per row, the way the pipeline prints them.
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
await c.run("COPY (" + sql + ") TO '" + out + "' (FORMAT csv, HEADER false, DELIMITER '\t', QUOTE '')");
`

// bidsCSV is the relation of the bid files.
func (d *duckDB) bidsCSV() string {
	return fmt.Sprintf(`read_csv('%s/*.csv', header=false, quote='', escape='', delim=',', columns={'auction':'BIGINT','bidder':'BIGINT','price':'BIGINT','channel':'VARCHAR','url':'VARCHAR','dateTime':'BIGINT','extra':'VARCHAR'})`, d.data.Bids)
}

func (d *duckDB) events() string {
	return fmt.Sprintf(`read_json('%s/*.json', format='newline_delimited', columns={'user_id':'VARCHAR','page_id':'VARCHAR','ad_id':'VARCHAR','ad_type':'VARCHAR','event_type':'VARCHAR','event_time':'VARCHAR','ip_address':'VARCHAR'}, filename=true)`, d.data.YSBEvents)
}

const renderBid = `'Bid{auction:' || auction || ',bidder:' || bidder || ',price:' || %s || ',channel:' || channel || ',url:' || url || ',dateTime:' || strftime(epoch_ms(dateTime), '%%Y-%%m-%%dT%%H:%%M:%%S.%%gZ') || ',extra:' || extra || '}'`

// sql returns the query of a workload. Its rows, in order, must equal the lines the
// pipeline prints, headers and blank lines left out.
func (d *duckDB) sql(name string) string {
	switch name {
	case "wordcount_batch":
		return fmt.Sprintf(`SELECT '(' || word || ',' || count(*) || ')' FROM (
			SELECT filename, unnest(regexp_split_to_array(content, '\s+')) AS word FROM read_text('%s/*.txt'))
			WHERE word <> '' GROUP BY filename, word ORDER BY filename, word`, d.data.WordCount)
	case "q0":
		return "SELECT " + fmt.Sprintf(renderBid, "price") + " FROM " + d.bidsCSV()
	case "q1":
		return "SELECT " + fmt.Sprintf(renderBid, "(price * 89 // 100)") + " FROM " + d.bidsCSV()
	case "q2":
		return "SELECT '(' || auction || ',' || price || ')' FROM " + d.bidsCSV() + " WHERE auction % 123 = 0"
	case "ysb_adcount":
		return `SELECT '(' || ad_id || ',' || count(*) || ')' FROM ` + d.events() +
			` WHERE event_type = 'view' GROUP BY filename, ad_id ORDER BY filename, ad_id`
	case "ysb":
		return fmt.Sprintf(`SELECT '(' || c.campaign_id || ',' || count(*) || ')' FROM %s e
			JOIN read_json('%s', format='newline_delimited', columns={'ad_id':'VARCHAR','campaign_id':'VARCHAR'}) c ON e.ad_id = c.ad_id
			WHERE e.event_type = 'view'
			GROUP BY (CAST(e.event_time AS BIGINT) - %d) // 10000, c.campaign_id
			ORDER BY (CAST(e.event_time AS BIGINT) - %d) // 10000, c.campaign_id`,
			d.events(), d.data.Campaigns, gen.YSBStart, gen.YSBStart)
	}
	panic("no SQL for " + name)
}

// run times the query c.runs times with as many threads as r.procs and checks its rows
// against the baseline's output (which equals the pipeline's when outputsEqual).
func (d *duckDB) run(c config, r *result) {
	out := filepath.Join(d.work, "duck.txt")
	defer os.Remove(out)
	for range c.runs {
		cmd := exec.Command("node", filepath.Join(d.dir, "bench.mjs"), r.w.duckdb, strconv.Itoa(r.procs), out)
		cmd.Env = append(os.Environ(), "BENCH_SQL="+d.sql(r.w.duckdb))
		t0 := time.Now()
		msg, err := cmd.CombinedOutput()
		if err != nil {
			r.duckErr = fmt.Sprintf("%v: %s", err, tail(string(msg), 500))
			return
		}
		r.duck = append(r.duck, time.Since(t0))
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
