/**
 * Outputs of netsh on real Windows systems in several display languages, as published (source next to each).
 * Windows prints CRLF; the tests also feed every sample with CRLF line ends. Test data only (not exported).
 */

/** `netsh int ipv4 show dynamicport tcp|udp` */
export const DYNAMICPORT_SAMPLES = [
  {
    name: 'English, default range (dorssel/usbipd-win #53)',
    start: 49152,
    count: 16384,
    text: `
Protocol tcp Dynamic Port Range
---------------------------------
Start Port      : 49152
Number of Ports : 16384
`,
  },
  {
    name: 'English, after a Visual Studio install (actions/runner-images #1442)',
    start: 1024,
    count: 64511,
    text: `
Protocol tcp Dynamic Port Range
---------------------------------
Start Port      : 1024
Number of Ports : 64511

`,
  },
  {
    name: 'German (as quoted in public parser test suites)',
    start: 49152,
    count: 16384,
    text: `
Protokoll tcp Dynamischer Portbereich
---------------------------------
Startport       : 49152
Anzahl von Ports: 16384
`,
  },
  {
    name: 'Japanese (a user note of PowerShell output, Windows 11)',
    start: 49152,
    count: 16384,
    text: `
プロトコル tcp の動的ポートの範囲
---------------------------------
開始ポート      : 49152
ポート数        : 16384
`,
  },
  {
    name: 'Chinese, Hyper-V moved the start to 1024 (several zh-CN blog posts)',
    start: 1024,
    count: 13977,
    text: `
协议 tcp 动态端口范围
---------------------------------
启动端口        : 1024
端口数          : 13977
`,
  },
  {
    name: 'Chinese, pasted without the separator line (zh-CN blog post)',
    start: 49152,
    count: 16383,
    text: `协议 tcp 动态端口范围
启动端口 : 49152
端口数 : 16383`,
  },
] as const;

/** `netsh int ipv4 show excludedportrange protocol=tcp|udp` */
export const EXCLUDED_SAMPLES = [
  {
    name: 'English with Hyper-V blocks and one administered range (clash-verge-rev/clash-verge-rev #1688)',
    rows: [
      [1061, 1160, false],
      [1161, 1260, false],
      [1261, 1360, false],
      [1361, 1460, false],
      [1461, 1560, false],
      [1561, 1660, false],
      [1661, 1760, false],
      [1761, 1860, false],
      [2919, 3018, false],
      [5357, 5357, false],
      [14522, 14621, false],
      [50000, 50059, true],
    ],
    text: `
Protocol tcp Port Exclusion Ranges

Start Port    End Port
----------    --------
      1061        1160
      1161        1260
      1261        1360
      1361        1460
      1461        1560
      1561        1660
      1661        1760
      1761        1860
      2919        3018
      5357        5357
     14522       14621
     50000       50059     *

* - Administered port exclusions.
`,
  },
  {
    name: 'Chinese, empty table (clash-verge-rev/clash-verge-rev #1688)',
    rows: [],
    text: `
协议 tcp 端口排除范围

开始端口    结束端口
----------    --------

* - 管理的端口排除。
`,
  },
  {
    name: 'Chinese with an administered range (a zh-CN troubleshooting note)',
    rows: [
      [28385, 28385, false],
      [28390, 28390, false],
      [50000, 50059, true],
    ],
    text: `
协议 tcp 端口排除范围

开始端口    结束端口
----------    --------
     28385       28385
     28390       28390
     50000       50059     *

* - 管理的端口排除。
`,
  },
  {
    name: 'German (a de-DE blog post about Hyper-V and port 50000)',
    rows: [
      [28380, 28380, false],
      [28385, 28385, false],
      [49711, 49810, false],
      [49811, 49910, false],
      [49911, 50010, false],
      [50111, 50210, false],
      [50211, 50310, false],
      [51099, 51198, false],
    ],
    text: `
Portausschlussbereiche für das Protokoll "tcp"

Startport      Endport
----------    --------
     28380       28380
     28385       28385
     49711       49810
     49811       49910
     49911       50010
     50111       50210
     50211       50310
     51099       51198

* - Verwaltete Portausschlüsse.
`,
  },
  {
    name: 'German with an administered range (a de-DE note on SiLA/gRPC ports)',
    rows: [
      [5357, 5357, false],
      [5985, 5985, false],
      [47001, 47001, false],
      [49152, 49152, false],
      [49153, 49153, false],
      [49154, 49154, false],
      [49851, 49950, false],
      [50000, 50059, true],
      [50060, 50159, false],
    ],
    text: `
Portausschlussbereiche für das Protokoll "tcp"

Startport      Endport
----------    --------
      5357        5357
      5985        5985
     47001       47001
     49152       49152
     49153       49153
     49154       49154
     49851       49950
     50000       50059     *
     50060       50159

* - Verwaltete Portausschlüsse.
`,
  },
  {
    name: 'Japanese (as recorded in a public node:test suite)',
    rows: [
      [5357, 5357, false],
      [50000, 50059, true],
      [55676, 55775, false],
    ],
    text: `
プロトコル tcp ポート除外範囲

開始ポート    終了ポート
----------    --------
      5357        5357
     50000       50059     *
     55676       55775

* - 管理されている除外ポート。
`,
  },
] as const;

export const withCrlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
