module agent-o11y/judges/prometheus-operator-crds

go 1.26.0

// Not a program: its module zip carries the operator's CRDs (example/prometheus-operator-crd), which
// test/constructs/prometheus-operator.test.ts validates the rendered objects against. v0.85.0 is the
// operator kube-prometheus-stack 77 ships.
require github.com/prometheus-operator/prometheus-operator v0.85.0
