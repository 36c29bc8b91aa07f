package builtins

// OpKind classifies the entries of Ops.
type OpKind int

const (
	Source     OpKind = iota // a function giving a stream: socket, files, kafka, ...
	Decoder                  // a method turning a stream of text into records: json, csv, lines
	Operator                 // a method from streams to a stream: map, reduceByKey, join, ...
	Window                   // a windowed method: window, reduceByKeyAndWindow, ...
	Stateful                 // updateStateByKey, mapWithState, snapshots
	Reference                // tables and lookups: table, tableQuery, joinTable, lookup
	Connection               // a database connection: postgres(url), sqlite(path)
	Output                   // a method ending a statement: print, saveAsTextFiles, writeTo
	Sink                     // an argument of writeTo: postgres(url, sql), kafkaTopic, ...
)

var opKindNames = [...]string{"source", "decoder", "operator", "window", "state", "reference data", "connection", "output", "sink"}

func (k OpKind) String() string { return opKindNames[k] }

// OpParam is one parameter of an Op. Type is the parameter's type as the reference
// documents it, in the notation of the spec (T the element type, K and V the key and value
// types of a pair stream).
type OpParam struct {
	Name string
	Type string
	// Optional parameters may be left out; Default is their value as source text, ""
	// when leaving them out means "not given" (an inverse function, a filter).
	Optional bool
	Default  string
}

// Op is the signature of a source, decoder, stream operator, table, connection, output or
// sink. Their typing rules depend on the stream they apply to, so the checker implements
// each one; the table fixes the names, the parameters (and so how arguments bind: by
// position, then by name) and the documentation.
type Op struct {
	Name     string
	Kind     OpKind
	Method   bool // called on a stream (`s.map(f)`), not as a function (`socket(addr)`)
	Params   []OpParam
	Variadic bool // the last parameter repeats (union)
	Result   string
	Doc      string
	Example  string
	// Internal marks an operator a program cannot name: the checker makes its nodes
	// itself (goSource, for a call of a Go function returning a source).
	Internal bool
	// Plan is how the compiler's middle treats a stream operator, from the table in
	// plan.go; the zero Plan (ClassNone) for tables, connections and sinks.
	Plan Plan
}

func req(name, typ string) OpParam { return OpParam{Name: name, Type: typ} }
func opt0(name, typ string) OpParam {
	return OpParam{Name: name, Type: typ, Optional: true}
}
func def(name, typ, d string) OpParam {
	return OpParam{Name: name, Type: typ, Optional: true, Default: d}
}

var partitions = def("partitions", "int", "the partitions setting")

// Ops lists every source, decoder, operator, window, state operator, reference-data
// function, connection, output and sink. A name may appear twice when it has two forms
// (reduceByWindow with and without an inverse function; postgres as a connection and as a
// sink; union as a method and as a function).
var Ops = []*Op{
	// sources
	{Name: "socket", Kind: Source, Params: []OpParam{req("address", "string")}, Result: "stream[string]",
		Doc: "socket reads text lines from a TCP server (Spark's socketTextStream), reconnecting when the connection drops.", Example: `socket("localhost:9999")`},
	{Name: "files", Kind: Source, Params: []OpParam{req("path", "string")}, Result: "stream[string]",
		Doc: "files reads new files of a directory or glob, one line a record; a file is picked up by its modification time and never read twice.", Example: `files("in/")`},
	{Name: "stdin", Kind: Source, Result: "stream[string]",
		Doc: "stdin reads lines from standard input.", Example: `stdin()`},
	{Name: "kafka", Kind: Source, Params: []OpParam{req("brokers", "string"), req("topic", "string"), req("group", "string"),
		def("maxRatePerPartition", "int", "0 (unlimited)"), def("startFrom", "string", `"latest"`)}, Result: "stream[KafkaRecord]",
		Doc: "kafka reads the records of a topic, tracking offsets in the pipeline's checkpoints (Spark's direct approach).", Example: `kafka("localhost:9092", "clicks", "sessions", startFrom = "earliest")`},
	{Name: "queue", Kind: Source, Params: []OpParam{req("batches", "[[T]]")}, Result: "stream[T]",
		Doc: "queue replays literal batches, one inner list per batch, then empty batches: for tests and examples.", Example: `queue([["a b", "b"], [], ["c"]])`},
	{Name: "goSource", Kind: Source, Internal: true, Result: "stream[T]",
		Doc: "goSource is a source written in Go: a call of a function of an imported package returning gosource.Source[T].", Example: `feed.Events("x")`},
	{Name: "rate", Kind: Source, Params: []OpParam{req("perSecond", "int")}, Result: "stream[int]",
		Doc: "rate generates the numbers 0, 1, 2, ... at perSecond records a second: for benchmarks.", Example: `rate(1000)`},

	// decoders
	{Name: "lines", Kind: Decoder, Method: true, Params: []OpParam{opt0("onBadRecord", "skip | fail | deadLetter(path)")}, Result: "stream[string]",
		Doc: "lines keeps each record as its text (a KafkaRecord's value); it is what a text source gives anyway.", Example: `kafka("k:9092", "t", "g").lines()`},
	{Name: "csv", Kind: Decoder, Method: true, Params: []OpParam{req("T", "record type"), def("header", "bool", "false"), def("delimiter", "string", `","`),
		opt0("onBadRecord", "skip | fail | deadLetter(path)")}, Result: "stream[T]",
		Doc: "csv decodes each record as a CSV row into the record type T, whose fields must be scalars; columns go in field order, or by name when header = true.", Example: `files("in/").csv(Click, header = true)`},
	{Name: "json", Kind: Decoder, Method: true, Params: []OpParam{req("T", "record type"), opt0("onBadRecord", "skip | fail | deadLetter(path)")}, Result: "stream[T]",
		Doc: "json decodes each record as a JSON object into the record type T, by field name; a missing optional field is none.", Example: `socket("localhost:9999").json(Click)`},

	// element-wise
	{Name: "map", Kind: Operator, Method: true, Params: []OpParam{req("f", "T => U")}, Result: "stream[U]",
		Doc: "map applies f to every element.", Example: `.map(w => (w, 1))`},
	{Name: "flatMap", Kind: Operator, Method: true, Params: []OpParam{req("f", "T => [U]")}, Result: "stream[U]",
		Doc: "flatMap applies f to every element and flattens the lists it returns.", Example: `.flatMap(l => words(l))`},
	{Name: "filter", Kind: Operator, Method: true, Params: []OpParam{req("f", "T => bool")}, Result: "stream[T]",
		Doc: "filter keeps the elements for which f is true.", Example: `.filter((word, n) => n > 10)`},
	{Name: "mapValues", Kind: Operator, Method: true, Params: []OpParam{req("f", "V => W")}, Result: "stream[(K, W)]",
		Doc: "mapValues applies f to the value of every (key, value) pair.", Example: `.mapValues(n => n * 2)`},
	{Name: "flatMapValues", Kind: Operator, Method: true, Params: []OpParam{req("f", "V => [W]")}, Result: "stream[(K, W)]",
		Doc: "flatMapValues applies f to every value and pairs the key with each element of the result.", Example: `.flatMapValues(v => words(v))`},
	{Name: "mapPartitions", Kind: Operator, Method: true, Params: []OpParam{req("f", "[T] => [U]")}, Result: "stream[U]",
		Doc: "mapPartitions applies f once per partition per batch to all the partition's elements.", Example: `.mapPartitions(xs => [len(xs)])`},
	{Name: "glom", Kind: Operator, Method: true, Result: "stream[[T]]",
		Doc: "glom turns each partition of a batch into one list.", Example: `.glom()`},
	{Name: "eventTime", Kind: Operator, Method: true, Params: []OpParam{req("f", "T => time"), def("lateness", "duration", "0s")}, Result: "stream[T]",
		Doc: "eventTime assigns each element to the batch of its own timestamp f(x); elements later than lateness after their batch closed are dropped and counted.", Example: `.eventTime(c => c.at, lateness = 10s)`},

	// batch-wise
	{Name: "count", Kind: Operator, Method: true, Result: "stream[int]",
		Doc: "count gives one element per batch: the number of elements (0 for an empty batch).", Example: `.count()`},
	{Name: "countByValue", Kind: Operator, Method: true, Params: []OpParam{partitions}, Result: "stream[(T, int)]",
		Doc: "countByValue counts each distinct element of a batch.", Example: `.countByValue()`},
	{Name: "countByKey", Kind: Operator, Method: true, Params: []OpParam{partitions}, Result: "stream[(K, int)]",
		Doc: "countByKey counts the pairs of each key in a batch.", Example: `.countByKey()`},
	{Name: "reduce", Kind: Operator, Method: true, Params: []OpParam{req("f", "(T, T) => T")}, Result: "stream[T]",
		Doc: "reduce combines the elements of a batch into one with the associative function f; an empty batch gives no element.", Example: `.reduce((a, b) => a + b)`},
	{Name: "repartition", Kind: Operator, Method: true, Params: []OpParam{req("n", "int")}, Result: "stream[T]",
		Doc: "repartition spreads the elements over n partitions.", Example: `.repartition(8)`},
	{Name: "union", Kind: Operator, Method: true, Params: []OpParam{req("others", "stream[T]")}, Variadic: true, Result: "stream[T]",
		Doc: "union merges this stream with others of the same element type.", Example: `.union(other)`},
	{Name: "union", Kind: Operator, Params: []OpParam{req("streams", "stream[T]")}, Variadic: true, Result: "stream[T]",
		Doc: "union merges streams of the same element type.", Example: `union(socket("a:1"), socket("b:2"))`},
	{Name: "sortBy", Kind: Operator, Method: true, Params: []OpParam{req("f", "T => O"), def("ascending", "bool", "true")}, Result: "stream[T]",
		Doc: "sortBy sorts each batch by the ordered key f(x).", Example: `.sortBy((w, n) => n, ascending = false)`},
	{Name: "sortByKey", Kind: Operator, Method: true, Params: []OpParam{def("ascending", "bool", "true")}, Result: "stream[(K, V)]",
		Doc: "sortByKey sorts each batch of pairs by key.", Example: `.sortByKey()`},
	{Name: "top", Kind: Operator, Method: true, Params: []OpParam{req("n", "int"), opt0("key", "T => O")}, Result: "stream[T]",
		Doc: "top keeps the n largest elements of each batch (by key when given), largest first.", Example: `.top(3, key = (w, n) => n)`},
	{Name: "takeOrdered", Kind: Operator, Method: true, Params: []OpParam{req("n", "int"), opt0("key", "T => O")}, Result: "stream[T]",
		Doc: "takeOrdered keeps the n smallest elements of each batch (by key when given), smallest first.", Example: `.takeOrdered(3)`},
	{Name: "transform", Kind: Operator, Method: true, Params: []OpParam{req("f", "[T] => [U]")}, Result: "stream[U]",
		Doc: "transform applies f once per batch to all the batch's elements, gathered into one list, and streams the list it returns (Spark's transform: arbitrary per-batch logic; batchTime is the batch's time).", Example: `.transform(xs => if len(xs) > 100 { [] } else { xs })`},
	{Name: "transformWith", Kind: Operator, Method: true, Params: []OpParam{req("other", "stream[W]"), req("f", "([T], [W]) => [U]")}, Result: "stream[U]",
		Doc: "transformWith applies f once per batch to the elements of this stream and of other in the same batch, each gathered into one list, and streams the list it returns (Spark's transformWith).", Example: `.transformWith(other, (xs, ys) => if len(ys) > 0 { xs } else { [] })`},
	{Name: "distinct", Kind: Operator, Method: true, Params: []OpParam{partitions}, Result: "stream[T]",
		Doc: "distinct removes repeated elements within each batch.", Example: `.distinct()`},

	// keyed
	{Name: "reduceByKey", Kind: Operator, Method: true, Params: []OpParam{req("f", "(V, V) => V"), partitions}, Result: "stream[(K, V)]",
		Doc: "reduceByKey combines the values of each key in a batch with the associative function f, combining on the map side first.", Example: `.reduceByKey((a, b) => a + b)`},
	{Name: "groupByKey", Kind: Operator, Method: true, Params: []OpParam{partitions}, Result: "stream[(K, [V])]",
		Doc: "groupByKey gathers the values of each key in a batch into a list.", Example: `.groupByKey()`},
	{Name: "aggregateByKey", Kind: Operator, Method: true, Params: []OpParam{req("zero", "A"), req("seq", "(A, V) => A"), req("comb", "(A, A) => A"), partitions}, Result: "stream[(K, A)]",
		Doc: "aggregateByKey folds the values of each key into an accumulator: seq adds a value, comb merges two partial accumulators (Spark's combineByKey).", Example: `.aggregateByKey((0, 0), (acc, v) => (acc._1 + v, acc._2 + 1), (a, b) => (a._1 + b._1, a._2 + b._2))`},
	{Name: "join", Kind: Operator, Method: true, Params: []OpParam{req("other", "stream[(K, W)]"), partitions}, Result: "stream[(K, (V, W))]",
		Doc: "join pairs the values of equal keys of two streams in the same batch.", Example: `.join(other)`},
	{Name: "leftOuterJoin", Kind: Operator, Method: true, Params: []OpParam{req("other", "stream[(K, W)]"), partitions}, Result: "stream[(K, (V, W?))]",
		Doc: "leftOuterJoin is join keeping every key of this stream; a missing right value is none.", Example: `.leftOuterJoin(other)`},
	{Name: "rightOuterJoin", Kind: Operator, Method: true, Params: []OpParam{req("other", "stream[(K, W)]"), partitions}, Result: "stream[(K, (V?, W))]",
		Doc: "rightOuterJoin is join keeping every key of the other stream; a missing left value is none.", Example: `.rightOuterJoin(other)`},
	{Name: "fullOuterJoin", Kind: Operator, Method: true, Params: []OpParam{req("other", "stream[(K, W)]"), partitions}, Result: "stream[(K, (V?, W?))]",
		Doc: "fullOuterJoin is join keeping every key of both streams.", Example: `.fullOuterJoin(other)`},
	{Name: "cogroup", Kind: Operator, Method: true, Params: []OpParam{req("other", "stream[(K, W)]"), partitions}, Result: "stream[(K, ([V], [W]))]",
		Doc: "cogroup gathers, for each key of either stream, the lists of its values on both sides.", Example: `.cogroup(other)`},

	// windows
	{Name: "window", Kind: Window, Method: true, Params: []OpParam{req("len", "duration"), def("slide", "duration", "the batch interval")}, Result: "stream[T]",
		Doc: "window gives, every slide, all the elements of the last len.", Example: `.window(30s, 10s)`},
	{Name: "countByWindow", Kind: Window, Method: true, Params: []OpParam{req("len", "duration"), def("slide", "duration", "the batch interval")}, Result: "stream[int]",
		Doc: "countByWindow counts the elements of the last len, every slide.", Example: `.countByWindow(1m, 10s)`},
	{Name: "reduceByWindow", Kind: Window, Method: true, Params: []OpParam{req("f", "(T, T) => T"), req("len", "duration"), def("slide", "duration", "the batch interval")}, Result: "stream[T]",
		Doc: "reduceByWindow combines the elements of the last len with f, every slide.", Example: `.reduceByWindow((a, b) => a + b, 30s, 10s)`},
	{Name: "reduceByWindow", Kind: Window, Method: true, Params: []OpParam{req("f", "(T, T) => T"), req("inv", "(T, T) => T"), req("len", "duration"), def("slide", "duration", "the batch interval")}, Result: "stream[T]",
		Doc: "reduceByWindow with an inverse function updates the previous window's result incrementally: it adds the batches entering and removes with inv those leaving (needs checkpoint).", Example: `.reduceByWindow((a, b) => a + b, (a, b) => a - b, 30s, 10s)`},
	{Name: "reduceByKeyAndWindow", Kind: Window, Method: true, Params: []OpParam{req("f", "(V, V) => V"), req("len", "duration"), def("slide", "duration", "the batch interval"), partitions,
		opt0("filter", "(K, V) => bool")}, Result: "stream[(K, V)]",
		Doc: "reduceByKeyAndWindow combines, every slide, the values of each key over the last len.", Example: `.reduceByKeyAndWindow((a, b) => a + b, 30s, 10s)`},
	{Name: "reduceByKeyAndWindow", Kind: Window, Method: true, Params: []OpParam{req("f", "(V, V) => V"), req("inv", "(V, V) => V"), req("len", "duration"), def("slide", "duration", "the batch interval"), partitions,
		opt0("filter", "(K, V) => bool")}, Result: "stream[(K, V)]",
		Doc: "reduceByKeyAndWindow with an inverse function updates each key's previous window incrementally; filter drops keys whose value it rejects, e.g. (k, v) => v != 0 (needs checkpoint).", Example: `.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 30s, 10s, filter = (k, v) => v != 0)`},
	{Name: "countByValueAndWindow", Kind: Window, Method: true, Params: []OpParam{req("len", "duration"), def("slide", "duration", "the batch interval"), partitions}, Result: "stream[(T, int)]",
		Doc: "countByValueAndWindow counts each distinct element over the last len, every slide.", Example: `.countByValueAndWindow(1m, 10s)`},
	{Name: "groupByKeyAndWindow", Kind: Window, Method: true, Params: []OpParam{req("len", "duration"), def("slide", "duration", "the batch interval"), partitions}, Result: "stream[(K, [V])]",
		Doc: "groupByKeyAndWindow gathers the values of each key over the last len, every slide.", Example: `.groupByKeyAndWindow(1m, 10s)`},

	// state
	{Name: "updateStateByKey", Kind: Stateful, Method: true, Params: []OpParam{req("f", "([V], S?) => S? or (K, [V], S?) => S?"), opt0("initial", `[(K, S)] or "path.jsonl"`), partitions}, Result: "stream[(K, S)]",
		Doc: "updateStateByKey keeps a state per key: every batch f gets the key's new values (possibly none) and its previous state, and returns the new state; none removes the key.", Example: `.updateStateByKey((news, total) => some(total.orElse(0) + sum(news)))`},
	{Name: "mapWithState", Kind: Stateful, Method: true, Params: []OpParam{req("f", "(K, V?, State[S]) => E or E?"), opt0("timeout", "duration"), opt0("initial", `[(K, S)] or "path.jsonl"`), partitions}, Result: "stream[E]",
		Doc: "mapWithState calls f for every pair with the key's State; f emits one element (or none for nothing). With timeout, f is called once more with value none for a key idle that long.", Example: `.mapWithState((user, one, state) => { state.update(state.getOrElse(0) + 1); (user, state.get()) })`},
	{Name: "snapshots", Kind: Stateful, Method: true, Result: "stream[(K, S)]",
		Doc: "snapshots gives, on the result of mapWithState, every key's state each batch.", Example: `.snapshots()`},

	// reference data
	{Name: "table", Kind: Reference, Params: []OpParam{req("path", "string"), req("T", "record type"), req("key", "T => K"), def("refresh", "duration", "5m")}, Result: "table[K, T]",
		Doc: "table loads reference rows of type T from a CSV file (path ending .csv) or JSON lines, keyed by key, reloaded every refresh.", Example: `table("users.csv", User, key = u => u.id)`},
	{Name: "tableQuery", Kind: Reference, Params: []OpParam{req("conn", "connection"), req("sql", "string"), req("T", "record type"), req("key", "T => K"), def("refresh", "duration", "1m")}, Result: "table[K, T]",
		Doc: "tableQuery loads reference rows of type T with a SQL query, keyed by key, re-run every refresh.", Example: `tableQuery(db, "select id, name from users", User, key = u => u.id)`},
	{Name: "joinTable", Kind: Reference, Method: true, Params: []OpParam{req("table", "table[K, T]")}, Result: "stream[(K, (V, T))]",
		Doc: "joinTable pairs each (key, value) with the table's row for the key, dropping pairs without one (a broadcast join: no shuffle).", Example: `.joinTable(users)`},
	{Name: "leftJoinTable", Kind: Reference, Method: true, Params: []OpParam{req("table", "table[K, T]")}, Result: "stream[(K, (V, T?))]",
		Doc: "leftJoinTable is joinTable keeping pairs without a row, with none.", Example: `.leftJoinTable(users)`},
	{Name: "lookup", Kind: Reference, Method: true, Params: []OpParam{req("conn", "connection"), req("sql", "string"), req("T", "record type"), req("key", "E => K")}, Result: "stream[(E, T?)]",
		Doc: "lookup enriches each element with the row its key selects: per partition, keys batched into one query (= any($1)), cached for the batch.", Example: `.lookup(db, "select id, name from users where id = any($1)", User, key = c => c.user)`},

	// connections
	{Name: "postgres", Kind: Connection, Params: []OpParam{req("url", "string"), def("maxConns", "int", "8"), def("idleTimeout", "duration", "5m")}, Result: "connection",
		Doc: "postgres describes a pooled PostgreSQL connection for tables and lookups.", Example: `postgres(env("DATABASE_URL"))`},
	{Name: "sqlite", Kind: Connection, Params: []OpParam{req("path", "string")}, Result: "connection",
		Doc: "sqlite describes a SQLite database file for tables and lookups.", Example: `sqlite("ref.db")`},

	// outputs
	{Name: "print", Kind: Output, Method: true, Params: []OpParam{def("n", "int", "10")}, Result: "unit",
		Doc: "print writes the first n elements of each batch under Spark's `Time: <ms> ms` header.", Example: `.print()`},
	{Name: "saveAsTextFiles", Kind: Output, Method: true, Params: []OpParam{req("prefix", "string"), def("suffix", "string", `""`)}, Result: "unit",
		Doc: "saveAsTextFiles writes each batch, atomically, to a file named prefix-<batch time ms>[.suffix].", Example: `.saveAsTextFiles("out/counts", "txt")`},
	{Name: "writeTo", Kind: Output, Method: true, Params: []OpParam{req("sink", "sink"), def("maxConns", "int", "8 (Go sinks)"), def("idleTimeout", "duration", "5m (Go sinks)")}, Result: "unit",
		Doc: "writeTo sends each batch to a sink, with pooled connections and writes batched per partition.", Example: `.writeTo(jsonFiles("out/events"))`},
	{Name: "foreachBatch", Kind: Output, Method: true, Params: []OpParam{req("f", "Go func(context.Context, time.Time, []T) error")}, Result: "unit",
		Doc: "foreachBatch calls a Go function of an imported package once per batch with the batch time and all the batch's elements (Spark's foreachRDD for side effects); an error fails the batch, after retries.", Example: `.foreachBatch(alerts.Notify)`},

	// sinks
	{Name: "postgres", Kind: Sink, Params: []OpParam{req("url", "string"), req("sql", "string"), def("maxConns", "int", "8"), def("idleTimeout", "duration", "5m"),
		def("onBadRecord", "fail | skip | deadLetter(path)", "fail")}, Result: "sink",
		Doc: "postgres runs sql for each element, binding its fields (tuple elements or record fields) to $1..$n; onBadRecord says what happens to rows the database rejects for good.", Example: `postgres(env("DATABASE_URL"), "insert into counts(word, n) values ($1, $2)")`},
	{Name: "sqlite", Kind: Sink, Params: []OpParam{req("path", "string"), req("sql", "string"), def("onBadRecord", "fail | skip | deadLetter(path)", "fail")}, Result: "sink",
		Doc: "sqlite runs sql for each element against a SQLite file, binding fields to ?1..?n (or $1..$n); onBadRecord says what happens to rows the database rejects for good.", Example: `sqlite("out.db", "insert into counts values (?1, ?2)")`},
	{Name: "kafkaTopic", Kind: Sink, Params: []OpParam{req("brokers", "string"), req("topic", "string"), def("transactional", "bool", "false")}, Result: "sink",
		Doc: "kafkaTopic produces each element to a topic: a string as the value, a (string, string) pair as key and value.", Example: `kafkaTopic("localhost:9092", "alerts")`},
	{Name: "jsonFiles", Kind: Sink, Params: []OpParam{req("prefix", "string")}, Result: "sink",
		Doc: "jsonFiles writes each batch as JSON lines to prefix-<batch time ms>.jsonl, atomically.", Example: `jsonFiles("out/events")`},
	{Name: "csvFiles", Kind: Sink, Params: []OpParam{req("prefix", "string")}, Result: "sink",
		Doc: "csvFiles writes each batch as CSV to prefix-<batch time ms>.csv, atomically.", Example: `csvFiles("out/events")`},
}

// LookupOps returns the Ops named name that a program may call, in table order.
func LookupOps(name string) []*Op {
	var out []*Op
	for _, o := range Ops {
		if o.Name == name && !o.Internal {
			out = append(out, o)
		}
	}
	return out
}

// LookupOp returns the Op named name of kind k, or nil.
func LookupOp(name string, k OpKind) *Op {
	for _, o := range Ops {
		if o.Name == name && o.Kind == k {
			return o
		}
	}
	return nil
}

// Settings lists the top-level settings with the type of their value, for the checker
// and the reference.
var Settings = []struct{ Name, Value, Doc string }{
	{"batch", "duration", "the batch interval (required)"},
	{"checkpoint", "string", "the checkpoint directory (required by state operators and inverse windows)"},
	{"checkpointEvery", "duration", "how often to checkpoint: a multiple of batch; default max(batch, 10s) rounded up to a multiple"},
	{"partitions", "int", "default number of partitions of shuffles (default: number of CPUs)"},
	{"maxRate", "int", "maximum records a second per source (per Kafka partition for kafka)"},
	{"backpressure", "bool", "adapt the rate to the processing speed"},
	{"initialRate", "int", "backpressure's records a second per source until the first batch completes (default maxRate)"},
	{"http", "string", "address of the metrics/UI HTTP server, e.g. \":4040\""},
	{"onBadRecord", "fail | skip | deadLetter(path)", "what to do with records that fail to decode (default fail)"},
	{"stopTimeout", "duration", "graceful stop limit (default 30s)"},
}
