using System.Globalization;

namespace Bacalhau.Cli.Output;

internal static class Terminal
{
    private const int Unlimited = int.MaxValue / 2;

    /// <summary>Columns available for a table: <c>COLUMNS</c> when set, the console's width on a terminal, else no limit.</summary>
    public static int Width
    {
        get
        {
            if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0)
            {
                return columns;
            }

            if (Console.IsOutputRedirected)
            {
                return Unlimited;
            }

            try
            {
                return Console.WindowWidth > 0 ? Console.WindowWidth : Unlimited;
            }
            catch (IOException)
            {
                return Unlimited;
            }
        }
    }
}
