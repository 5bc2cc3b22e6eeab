// The Thanos release the tests judge the backup with (scripts/judges.sh builds it from its own module,
// with its go.mod's replace directives, so the binary has the dependencies the release image has).
module agent-o11y/judges/thanos

go 1.26.0

require github.com/thanos-io/thanos v0.42.4
