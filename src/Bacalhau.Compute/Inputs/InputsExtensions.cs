using Bacalhau.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Inputs;

public static class InputsExtensions
{
    /// <summary>
    /// Registers the input sources a compute node can stage and the stager that dispatches to them, but for the types
    /// in <paramref name="disabled"/> (<c>InputSources.Disabled</c>).
    /// </summary>
    public static IHostApplicationBuilder AddInputSources(this IHostApplicationBuilder builder, IReadOnlySet<string> disabled)
    {
        builder.Services.AddOptions<InputSourcesOptions>().BindConfiguration(InputSourcesOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<InputSourcesOptions>, InputSourcesOptionsValidation>();
        builder.Services.AddSingleton<IInputSource, InlineSource>();
        builder.Services.AddSingleton<IInputSource, UrlDownloadSource>();
        builder.Services.AddSingleton<IInputSource, LocalSource>();
        builder.Services.AddSingleton<IInputSource, IpfsSource>();
        builder.Services.TryAddSingleton<S3Clients>();
        builder.Services.AddSingleton<IInputSource, S3Source>();
        builder.Services.AddSingleton(services => new InputStager(Nodes.DisabledComponents.Enabled(services.GetServices<IInputSource>(), s => s.Type, disabled)));
        // Downloads are bounded by InputSources.ReadTimeout; retries and per-attempt timeouts would cut large ones short.
#pragma warning disable EXTEXP0001 // The supported way to opt one client out of the defaults every client gets.
        builder.Services.AddHttpClient(UrlDownloadSource.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
