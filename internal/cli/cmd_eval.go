package cli

import "errors"

// runEval is not written yet; its issue owns this file.
func runEval(env *Env, args []string) error {
	return errors.New("not implemented yet")
}
