package accounts

func browserCommand(u string) (string, []string) { return "open", []string{u} }
