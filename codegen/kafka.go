package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/types"
	"streamc.dev/streamc/planner"
)

// kafkaSourceType is the generated adapter of kafka.Source whose batches are the
// pipeline's KafkaRecord values.
const kafkaSourceType = "kafkaSource"

// txKafkaSource returns the Kafka source a transactional kafkaTopic sink commits its
// offsets with (consume–transform–produce): the pipeline's only kafka source, or nil
// when it has none or several.
func (g *gen) txKafkaSource() *planner.Source {
	var found *planner.Source
	for _, src := range g.plan.Sources {
		if src.Op.Name == "kafka" {
			if found != nil {
				return nil
			}
			found = src
		}
	}
	return found
}

// hasTxKafkaSink reports whether a transactional kafkaTopic sink commits the offsets of
// src, which then must not commit them itself after the outputs.
func (g *gen) hasTxKafkaSink(src *planner.Source) bool {
	if g.txKafkaSource() != src {
		return false
	}
	for _, o := range g.plan.Outputs {
		if o.Op.Name != "writeTo" {
			continue
		}
		if a := o.Op.Arg("sink"); a != nil && a.Resource != nil && a.Resource.Op == "kafkaTopic" && g.constBool(a.Resource, "transactional") {
			return true
		}
	}
	return false
}

// genKafkaSource creates kafka(brokers, topic, group, maxRatePerPartition, startFrom) in
// newJob. The source is the pipeline's (Spark's direct approach): registered under its
// name so that its offsets go into checkpoints and its offset ranges into the engine's
// batch log (kafka.Source is a BatchPlanner, so a batch re-run after a crash reads the
// same records), and committing its offsets to the group after each batch's outputs
// (or, for a transactional kafkaTopic sink, in the sink's transaction):
//
//	{
//		id := kafka.ProcessID(ctx.Pipeline.Name, "raw", ctx.Settings.Checkpoint)
//		src, err := kafka.NewSource(kafka.SourceConfig{Brokers: strings.Split(ctx.SourceAddress("raw"), ","), ...})
//		if err != nil {
//			return nil, fmt.Errorf("clicks.stream:5:11: kafka: %w", err)
//		}
//		j.src0 = &kafkaSource{Source: src}
//		ctx.RegisterSource("raw", j.src0)
//		ctx.OnBatchDone(func(t rt.Time) error { return src.CommitBatch(ctx.Ctx, t.Millis()) })
//	}
func (g *gen) genKafkaSource(src *planner.Source) {
	n := src.Op
	kpkg := g.connPath("kafka")
	field := srcField(src)
	arg := func(name string) jen.Code {
		if a := n.Arg(name); a != nil {
			return g.startupValue(a.Value)
		}
		g.errorf(n.Pos, "codegen: kafka has no %s argument", name)
		return jen.Lit("")
	}
	address := arg("brokers")
	g.kafkaAdapter()
	cfg := []jen.Code{
		kv("Brokers", jen.Qual("strings", "Split").Call(jen.Id("ctx").Dot("SourceAddress").Call(jen.Lit(src.Name)), jen.Lit(","))),
		kv("Topic", arg("topic")),
		kv("Group", arg("group")),
	}
	if a := n.Arg("maxRatePerPartition"); a != nil {
		cfg = append(cfg, kv("MaxRatePerPartition", g.startupValue(a.Value)))
	} else {
		cfg = append(cfg, kv("MaxRatePerPartition", jen.Int64().Call(jen.Id("ctx").Dot("Settings").Dot("MaxRate"))))
	}
	cfg = append(cfg, kv("Interval", jen.Id("ctx").Dot("Settings").Dot("Batch")))
	if a := n.Arg("startFrom"); a != nil {
		cfg = append(cfg, kv("StartFrom", g.startupValue(a.Value)))
	}
	// One ID per running copy, stable across restarts: a restarted process takes its
	// partitions back at once (static membership), and the broker fences the previous
	// incarnation and aborts the transaction it left open.
	id := jen.Qual(kpkg, "ProcessID").Call(jen.Id("ctx").Dot("Pipeline").Dot("Name"), jen.Lit(src.Name), jen.Id("ctx").Dot("Settings").Dot("Checkpoint"))
	cfg = append(cfg, kv("InstanceID", jen.Id("id")))
	tx := g.hasTxKafkaSink(src)
	if tx {
		cfg = append(cfg, kv("TransactionalID", jen.Id("id")))
	}
	cfg = append(cfg, kv("Log", jen.Id("ctx").Dot("Log").Dot("With").Call(jen.Lit("source"), jen.Lit(src.Name))))
	stmts := []jen.Code{
		jen.Id("id").Op(":=").Add(id),
		jen.List(jen.Id("src"), jen.Err()).Op(":=").Qual(kpkg, "NewSource").Call(jen.Qual(kpkg, "SourceConfig").Values(cfg...)),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(g.posString(n.Pos)+": kafka: %w"), jen.Err()))),
		jf(field).Op("=").Op("&").Id(kafkaSourceType).Values(kv("Source", jen.Id("src"))),
		jen.Id("ctx").Dot("RegisterSource").Call(jen.Lit(src.Name), jf(field)),
	}
	if !tx {
		stmts = append(stmts, jen.Id("ctx").Dot("OnBatchDone").Call(jen.Func().Params(jen.Id("t").Qual(g.rtPath, "Time")).Error().Block(
			jen.Return(jen.Id("src").Dot("CommitBatch").Call(jen.Id("ctx").Dot("Ctx"), jen.Id("t").Dot("Millis").Call())))))
	}
	g.job.field(field, jen.Op("*").Id(kafkaSourceType), fmt.Sprintf("%s is source %s: kafka at %s.", field, src.Name, g.posString(n.Pos)))
	g.ctorFn.emit(jen.Block(stmts...))
	g.sourceInfos = append(g.sourceInfos, jen.Line().Values(kv("Name", jen.Lit(src.Name)), kv("Kind", jen.Lit(n.Name)),
		kv("Address", address), kv("Pos", jen.Lit(g.posString(n.Pos)))))
}

// kafkaAdapter declares, once, the kafkaSource type of job.go: kafka.Source with a Batch
// method giving KafkaRecord values (the other methods, for the engine's lifecycle,
// checkpoints and the batch log, are kafka.Source's):
//
//	type kafkaSource struct{ *kafka.Source }
//
//	func (s *kafkaSource) Batch(batchTime int64, parts int) ([][]KafkaRecord, error) { ... }
func (g *gen) kafkaAdapter() {
	g.helper(kafkaSourceType, &g.jobDecls, func() jen.Code {
		kpkg := g.connPath("kafka")
		ri := g.record(builtins.KafkaRecord)
		rec := jen.Id(ri.name)
		f := func(name string) string {
			for k, fl := range builtins.KafkaRecord.Fields {
				if fl.Name == name {
					return ri.fields[k]
				}
			}
			return exported(name)
		}
		hdr := g.goType(types.Pair(types.StringType, types.StringType))
		conv := []jen.Code{
			jen.Id("v").Op(":=").Add(rec.Clone()).Values(
				kv(f("topic"), jen.Id("r").Dot("Topic")),
				kv(f("partition"), jen.Int64().Call(jen.Id("r").Dot("Partition"))),
				kv(f("offset"), jen.Id("r").Dot("Offset")),
				kv(f("key"), jen.String().Call(jen.Id("r").Dot("Key"))),
				kv(f("value"), jen.String().Call(jen.Id("r").Dot("Value"))),
				kv(f("timestamp"), jen.Qual(g.rtPath, "Time").Call(jen.Id("r").Dot("Timestamp")))),
			jen.If(jen.Len(jen.Id("r").Dot("Headers")).Op(">").Lit(0)).Block(
				jen.Id("v").Dot(f("headers")).Op("=").Make(jen.Index().Add(hdr), jen.Len(jen.Id("r").Dot("Headers"))),
				jen.For(jen.List(jen.Id("k"), jen.Id("h")).Op(":=").Range().Id("r").Dot("Headers")).Block(
					jen.Id("v").Dot(f("headers")).Index(jen.Id("k")).Op("=").Add(hdr.Clone()).Values(
						kv("F1", jen.Id("h").Dot("Key")), kv("F2", jen.String().Call(jen.Id("h").Dot("Value")))))),
			jen.Id("out").Index(jen.Id("p")).Index(jen.Id("i")).Op("=").Id("v"),
		}
		return jen.Add(doc("kafkaSource is a kafka source whose batches are the pipeline's KafkaRecord values.")).Line().
			Type().Id(kafkaSourceType).Struct(jen.Op("*").Qual(kpkg, "Source")).Line().Line().
			Add(doc("Batch reads batch batchTime's records, topic partition i going to partition i mod parts,\nand converts them to KafkaRecord.")).Line().
			Func().Params(jen.Id("s").Op("*").Id(kafkaSourceType)).Id("Batch").Params(jen.Id("batchTime").Int64(), jen.Id("parts").Int()).
			Params(jen.Index().Index().Add(rec.Clone()), jen.Error()).Block(
			jen.List(jen.Id("recs"), jen.Err()).Op(":=").Id("s").Dot("Source").Dot("Batch").Call(jen.Id("batchTime"), jen.Id("parts")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Id("out").Op(":=").Make(jen.Index().Index().Add(rec.Clone()), jen.Len(jen.Id("recs"))),
			jen.For(jen.List(jen.Id("p"), jen.Id("part")).Op(":=").Range().Id("recs")).Block(
				jen.Id("out").Index(jen.Id("p")).Op("=").Make(jen.Index().Add(rec.Clone()), jen.Len(jen.Id("part"))),
				jen.For(jen.List(jen.Id("i"), jen.Id("r")).Op(":=").Range().Id("part")).Block(conv...)),
			jen.Return(jen.Id("out"), jen.Nil()))
	})
}

// kafkaValue binds the value of the KafkaRecord v, the text that lines, csv and json
// read, and returns the variable's name.
func (sg *stageGen) kafkaValue(v string) string {
	w := sg.f.fresh("text")
	sg.f.emit(jen.Id(w).Op(":=").Id(v).Dot(sg.g.record(builtins.KafkaRecord).fields[4]))
	return w
}
