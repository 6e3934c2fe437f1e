using System.CommandLine;
using System.Text;
using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau auth hash-password</c>: the form a password takes in <c>API.Auth.Users</c>.</summary>
internal sealed class AuthCommands : Command
{
    public AuthCommands(GlobalOptions globals)
        : base("auth", "Credentials for the orchestrator's REST API")
    {
        var hash = new Command("hash-password", "Read a password from stdin (never from the command line, where `ps` shows it) and print its hash for API.Auth.Users[].Password");
        hash.SetAction(globals, async (context, _) =>
        {
            var password = ReadPassword(context.Error);
            if (string.IsNullOrEmpty(password))
            {
                throw new CliException("no password given on stdin");
            }

            await context.Out.WriteLineAsync(PasswordHash.Create(password));
        });
        Add(hash);
    }

    /// <summary>One line of stdin; on a terminal, asked for and read without echo.</summary>
    private static string? ReadPassword(TextWriter prompt)
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        prompt.Write("Password: ");
        var text = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        prompt.WriteLine();
        return text.ToString();
    }
}
