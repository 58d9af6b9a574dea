package cli

import "errors"

// runTrain is not written yet; its issue owns this file.
func runTrain(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
