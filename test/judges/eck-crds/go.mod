module agent-o11y/judges/eck-crds

go 1.26.0

// Not a program: its module zip carries ECK's CRDs (config/crds/v1/resources), which
// test/constructs/eck.test.ts validates the rendered Elasticsearch object against.
require github.com/elastic/cloud-on-k8s/v3 v3.5.0
