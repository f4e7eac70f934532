"""Realistic sample contexts for every kind (Taiyuan rules): tests, benchmark and demo use them."""
from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta
from typing import Any

from casework.documents.formatting import format_number
from casework.documents.kinds import KINDS

TY = "《太原市公共安全视频图像信息系统管理办法》"
ART16 = {"instrument": TY, "article": "第十六条第一款",
         "text": "公共安全视频图像信息系统竣工后，建设单位应当自竣工验收合格之日起30日内，"
                 "将下列资料向所在地的县（市、区）公安机关负责公共安全视频图像信息系统的机构备案。"}
ART26 = {"instrument": TY, "article": "第二十六条第（一）项",
         "text": "违反本办法规定，有下列行为之一的，由公安机关责令限期改正，可并处500元以上1000元以下罚款："
                 "（一）未按规定向所在地县（市、区）公安机关备案的"}
ART19 = {"instrument": TY, "article": "第十九条第（三）项",
         "text": "妥善保存公共安全视频图像信息资料，保存期限不得少于15日，法律法规另有规定的从其规定"}
ART27 = {"instrument": TY, "article": "第二十七条",
         "text": "违反本办法第十九条第二项至第四项规定的，由公安机关责令限期改正，可并处500元以上1000元以下罚款。"}
ART15 = {"instrument": TY, "article": "第十五条第三款",
         "text": "公共安全视频图像信息系统验收不合格的，不得投入使用。"}
ART21 = {"instrument": TY, "article": "第二十一条第一款",
         "text": "公安机关因执法工作需要，查阅、复制或者调取有关信息资料的，应当经市、县（市、区）公安机关负责人批准。"}
ART22 = {"instrument": TY, "article": "第二十二条",
         "text": "按照本办法规定查阅、复制或者调取公共安全视频图像信息资料时，应当遵守下列规定："
                 "（一）工作人员不得少于两人；（二）出示工作证件和相关手续；（三）履行登记手续；"
                 "（四）遵守公共安全视频图像信息资料的使用、保密制度。"}

ENVELOPE = {
    "organ": "太原市公安局",
    "number": "太公(视)限改字〔2026〕第0001号",
    "issued_on": "2026-03-02",
    "party": {"name": "太原市迎泽区晋阳商贸有限公司", "credit_code": "91140106MA0KX1234Q",
              "address": "山西省太原市迎泽区迎泽大街100号", "legal_representative": "王建国"},
}
REVIEW = {"reconsideration_organ": "太原市人民政府", "court": "太原市迎泽区人民法院"}
SYSTEM = {"site": "太原市迎泽区迎泽大街100号晋阳商厦", "purpose": "商场公共区域安全防范",
          "camera_count": 48}
FACTS = ("你单位晋阳商厦公共安全视频图像信息系统于2025年12月15日竣工验收合格，"
         "至2026年2月10日仍未向迎泽区公安分局备案，超过规定的30日期限。")

KIND_CONTEXTS: dict[str, dict[str, Any]] = {
    "rectification_order": {
        "facts": FACTS, "violated": [ART16], "applied": [ART26],
        "requirements": "向太原市公安局迎泽分局报送设计方案、合同书、验收文件及设备型号、性能、技术参数等备案资料。",
        "deadline": "2026-03-16",
        "consequence": "本机关将依照《太原市公共安全视频图像信息系统管理办法》第二十六条的规定，"
                       "对你单位处500元以上1000元以下罚款。",
        "review": REVIEW, "contact": "李明 0351-4567890",
    },
    "warning_decision": {
        "facts": "你单位晋阳商厦视频图像信息资料保存期限仅为7日，少于规定的15日。",
        "evidence": ["现场检查笔录", "录像存储设备配置截图", "值班人员询问笔录"],
        "violated": [ART19], "applied": [ART27],
        "statement": "你单位在规定期限内未提出陈述和申辩。",
        "correction": "于2026年3月16日前将保存期限调整为不少于15日。",
        "prior_notice_number": "太公(视)罚告字〔2026〕第0003号", "review": REVIEW,
    },
    "penalty_notice": {
        "facts": FACTS, "evidence": ["现场检查笔录", "备案登记查询记录", "竣工验收报告复印件"],
        "violated": [ART16], "applied": [ART26], "proposed_penalty": "罚款",
        "fine_amount": "800", "statement_deadline": "2026-03-05",
        "hearing_request_deadline": "2026-03-09", "contact": "李明 0351-4567890",
    },
    "hearing_notice": {
        "penalty_notice_number": "太公(视)罚告字〔2026〕第0007号",
        "matter": "太原市迎泽区晋阳商贸有限公司未按规定备案",
        "hearing_at": "2026-03-13T09:30", "place": "太原市公安局迎泽分局三楼听证室",
        "host": "赵刚（法制大队）", "public": True, "contact": "李明 0351-4567890",
    },
    "hearing_record": {
        "penalty_notice_number": "太公(视)罚告字〔2026〕第0007号",
        "hearing_notice_number": "太公(视)听通字〔2026〕第0002号",
        "matter": "太原市迎泽区晋阳商贸有限公司未按规定备案",
        "held_at": "2026-02-27T09:30", "place": "太原市公安局迎泽分局三楼听证室", "public": True,
        "host": "赵刚（法制大队）", "recorder": "孙丽", "participants": ["王建国（法定代表人）", "刘洋（委托代理人）"],
        "investigator_statement": "该单位系统竣工验收合格后逾期未备案，事实有现场检查笔录等证据证明，"
                                  "依据第二十六条第（一）项拟处罚款800元。",
        "party_statement": "系工作人员疏忽所致，已于听证前补办备案，请求从轻处罚。",
        "debate": "当事人对现场检查笔录无异议，对逾期天数提出异议。",
        "final_statements": "请求从轻处罚。", "outcome": "违法事实清楚，建议采纳当事人已补办备案的情节，从轻处罚。",
        "party_signed": True,
    },
    "penalty_decision": {
        "facts": FACTS, "evidence": ["现场检查笔录", "备案登记查询记录", "竣工验收报告复印件",
                                     "太公(视)限改字〔2026〕第0001号责令限期改正通知书及送达回执"],
        "violated": [ART16], "applied": [ART26],
        "statement": "你单位提出系工作人员疏忽所致，经复核，所述情况不影响违法事实的认定，不予采纳。",
        "fine_amount": "800", "payment_place": "中国工商银行太原迎泽支行或者山西省非税收入电子缴款系统",
        "prior_notice_number": "太公(视)罚告字〔2026〕第0007号",
        "correction": "于2026年3月16日前补办备案手续。", "review": REVIEW,
    },
    "payment_reminder": {
        "decision_number": "太公(视)罚决字〔2026〕第0002号", "decision_date": "2026-01-20",
        "served_on": "2026-01-21", "fine_amount": "800", "surcharge_amount": "576",
        "surcharge_as_of": "2026-03-01", "deadline": "2026-03-12",
        "payment_place": "中国工商银行太原迎泽支行或者山西省非税收入电子缴款系统",
        "contact": "李明 0351-4567890",
    },
    "filing_receipt": {
        "system": SYSTEM, "submitted_on": "2026-02-25", "basis": [ART16],
        "notes": ["拆除系统有关设施、设备的，应当自拆除之日起30日内向本机关备案。",
                  "视频图像信息资料保存期限不得少于15日。"],
    },
    "filing_returned": {
        "system": SYSTEM, "submitted_on": "2026-02-25", "basis": [ART16],
        "missing": ["验收文件（竣工验收报告）", "设备的型号、性能、技术参数清单"],
        "deadline": "2026-03-16",
        "consequence": "视为未备案，本机关将依照《太原市公共安全视频图像信息系统管理办法》第二十六条的规定处理。",
    },
    "acceptance_failed": {
        "system": SYSTEM, "inspected_on": "2026-02-27", "basis": [ART15],
        "findings": ["一层东侧出入口摄像机夜间图像无法辨认人员面部特征", "录像存储容量不足以保存15日"],
        "requirements": "更换一层东侧出入口摄像机并扩容存储设备。", "deadline": "2026-03-31",
        "consequence": "系统不得投入使用；擅自使用的，本机关将依法处理。", "review": REVIEW,
    },
    "evidence_request": {
        "purpose": "办理太公(视)案〔2026〕第0015号治安案件", "basis": [ART21, ART22],
        "items": [{"location": "一层东侧出入口 1号摄像机", "start": "2026-02-28T19:00",
                   "end": "2026-02-28T21:00", "description": "原始录像，不得剪辑"},
                  {"location": "地下停车场入口 7号摄像机", "start": "2026-02-28T19:30",
                   "end": "2026-02-28T20:30", "description": "原始录像"}],
        "deadline": "2026-03-03",
        "officers": [{"name": "张伟", "badge": "140105"}, {"name": "刘洋", "badge": "140117"}],
        "consequence": "本机关将依照《太原市公共安全视频图像信息系统管理办法》第二十条第（二）项的规定依法处理。",
    },
    "access_register_extract": {
        "system": SYSTEM, "period_from": "2026-02-01", "period_to": "2026-02-28", "basis": [ART22],
        "entries": [{"at": "2026-02-12T10:20", "requester": "迎泽分局刑侦大队", "officers": "张伟、刘洋",
                     "purpose": "刑事案件侦查", "scope": "1号摄像机 2月11日 18:00-20:00",
                     "approval": "迎泽分局负责人批准（2026-02-12）"},
                    {"at": "2026-02-20T15:05", "requester": "柳巷派出所", "officers": "陈静、周强",
                     "purpose": "治安案件调查", "scope": "7号摄像机 2月19日 21:00-22:00",
                     "approval": "迎泽分局负责人批准（2026-02-20）"}],
    },
    "service_receipt": {
        "served_number": "太公(视)罚决字〔2026〕第0002号", "served_title": "行政处罚决定书",
        "recipient": "太原市迎泽区晋阳商贸有限公司", "method": "direct",
        "place": "山西省太原市迎泽区迎泽大街100号", "servers": ["张伟", "刘洋"],
    },
}


SAMPLE_DAY = date(2026, 3, 2)  # the issue date the sample dates are written against
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$")


def kind_context(kind: str, today: date | None = None) -> dict[str, Any]:
    """A fresh copy of the kind's own fields (what `issue` takes), dates moved to `today`."""
    ctx = copy.deepcopy(KIND_CONTEXTS[kind])
    return ctx if today is None or today == SAMPLE_DAY else _shift(ctx, today - SAMPLE_DAY)


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, dict):
        return {k: _shift(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    if isinstance(value, str) and ISO.match(value):
        if "T" in value:
            return (datetime.fromisoformat(value) + delta).isoformat(timespec="minutes")
        return (date.fromisoformat(value) + delta).isoformat()
    return value


def full_context(kind: str, number: str | None = None) -> dict[str, Any]:
    """Envelope + kind fields (what the pure `render` takes)."""
    ctx = copy.deepcopy(ENVELOPE)
    ctx["number"] = number or format_number("太公(视)", KINDS[kind].code, 2026, 1)
    ctx.update(kind_context(kind))
    return ctx
