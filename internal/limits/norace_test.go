//go:build !race

package limits_test

// raceSlowdown scales time bounds under the race detector.
const raceSlowdown = 1
