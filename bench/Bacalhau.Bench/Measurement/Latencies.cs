namespace Bacalhau.Bench.Measurement;

/// <summary>A set of latency samples and their percentiles (nearest rank), in milliseconds.</summary>
internal sealed class Latencies
{
    private readonly List<double> _samples = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _samples.Count;
            }
        }
    }

    public void Add(TimeSpan sample)
    {
        lock (_lock)
        {
            _samples.Add(sample.TotalMilliseconds);
        }
    }

    public double P50 => Percentile(50);

    public double P99 => Percentile(99);

    public double Percentile(double percent)
    {
        lock (_lock)
        {
            if (_samples.Count == 0)
            {
                return double.NaN;
            }

            _samples.Sort();
            var rank = (int)Math.Ceiling(percent / 100 * _samples.Count);
            return _samples[Math.Clamp(rank - 1, 0, _samples.Count - 1)];
        }
    }
}
