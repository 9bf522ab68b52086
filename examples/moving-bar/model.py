import torch.nn as nn

# Direction of a moving bar on a 2x16x16 event input (channel 0: ON events at the bar's
# leading edge, channel 1: OFF events at its trailing edge), as the workbench's
# 'moving-bar' generator makes them. Output channel 0 right, 1 left, 2 down, 3 up.
# Trained by train.py (see README.md); weights in weights.safetensors.
model = nn.Sequential(
    nn.Conv2d(2, 8, 3, padding=1, bias=False),
    nn.ReLU(),
    nn.AvgPool2d(4),
    nn.Flatten(),
    nn.Linear(128, 4, bias=False),
    nn.ReLU(),
)
