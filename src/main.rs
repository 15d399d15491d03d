use std::process::ExitCode;

fn main() -> ExitCode {
    isms::cli::main()
}
