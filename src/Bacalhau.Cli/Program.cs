using Bacalhau.Cli.Commands;

return await BacalhauCli.RunAsync(args, Console.Out, Console.Error);
