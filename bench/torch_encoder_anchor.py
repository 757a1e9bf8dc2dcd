"""PyTorch twin of signzoo-bench's encoder anchor (same shapes, same three timings).

Run: python bench/torch_encoder_anchor.py [threads]   (torch 2.13 CPU)
"""
import sys, time, torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
x, target = torch.randn(32, 128, 256), torch.randn(32, 128, 256)

def median_best(f, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2], times[0]

def report(name, t):
    print(f"{name:20s} median {t[0]:7.1f} ms   best {t[1]:7.1f} ms")

def run(activation, norm_first, dropout):
    layer = torch.nn.TransformerEncoderLayer(256, 8, 1024, dropout=dropout, activation=activation, batch_first=True,
                                             norm_first=norm_first)
    encoder = torch.nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)

    def step():
        ((encoder(x) - target) ** 2).mean().backward()
        encoder.zero_grad()

    print(f"torch encoder: 4 layers {'pre' if norm_first else 'post'}-LN {activation} dropout {dropout}, "
          f"threads {torch.get_num_threads()}")
    encoder.eval()
    with torch.inference_mode():
        encoder(x)
        report("eval forward", median_best(lambda: encoder(x), 7))
    encoder.train()
    report("train forward", median_best(lambda: encoder(x), 5))
    step()
    report("forward + backward", median_best(step, 5))

run("gelu", True, 0.0)
run("relu", False, 0.1)
