package porcupine

// bench/lincheck.sh copies this file into a copy of Porcupine's sources, to time Porcupine on the
// inputs Arca's checker is timed on. It uses the models and log readers of Porcupine's own tests.

import (
	"fmt"
	"os"
	"testing"
)

func BenchmarkArcaEtcdLargest(b *testing.B) {
	events := parseJepsenLog(os.Getenv("ARCA_ETCD_LARGEST"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		CheckEvents(etcdModel, events)
	}
}

func BenchmarkArcaEtcdAll(b *testing.B) {
	var all [][]Event
	for n := 0; n <= 102; n++ {
		if n != 95 {
			all = append(all, parseJepsenLog(fmt.Sprintf("test_data/jepsen/etcd_%03d.log", n)))
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ok := 0
		for _, events := range all {
			if CheckEvents(etcdModel, events) {
				ok++
			}
		}
		if ok != 23 {
			b.Fatalf("%d linearizable, not the 23 known", ok)
		}
	}
}

func benchArcaKv(b *testing.B, name string) {
	events := parseKvLog(os.Getenv("ARCA_KV_DIR") + "/" + name + ".porcupine.txt")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !CheckEvents(kvModel, events) {
			b.Fatal("not linearizable")
		}
	}
}

func BenchmarkArcaKv10k10keys(b *testing.B) { benchArcaKv(b, "kv-10000-8c-10k") }

func BenchmarkArcaKv10k1key(b *testing.B) { benchArcaKv(b, "kv-10000-8c-1k") }
