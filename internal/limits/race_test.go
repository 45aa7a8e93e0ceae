//go:build race

package limits_test

// raceSlowdown scales time bounds under the race detector, which slows
// this code about tenfold.
const raceSlowdown = 10
