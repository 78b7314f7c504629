"""The APIs' field names as a resident or community worker calls them, for refusals' ``message_zh``.

A 422 names the field that was wrong; ``fields[].field`` and ``message_en`` keep the code
(clients map by it), the Chinese message says 标题 where the code says ``title``. One glossary
for the four services: a name means the same thing wherever it occurs, and where it does not
(``description`` of a topic and of a measure) the parent's name chooses (``measures.description``).
tests/unit/kit/test_field_labels.py fails when a request model gains a field without a label.
"""

FIELD_LABELS: dict[str, str] = {
    # intake: a topic as a resident or a worker files it
    "community_id": "社区",
    "title": "标题",
    "description": "问题描述",
    "location": "地点",
    "contact": "联系方式",
    "source": "来源",
    "channel": "渠道",
    "details": "补充说明",
    "receipt_code": "回执码",
    # council: the council (1+7+X), its members, the registry and the settings
    "member_id": "成员",
    "member_ids": "调研人员",
    "name": "名称",
    "category": "类别",
    "term_start": "任期开始日期",
    "term_end": "任期结束日期",
    "left_on": "离任日期",
    "reason": "理由",
    "code": "区划代码",
    "parent_code": "上级区划代码",
    "level": "区划级别",
    "disclosure_days": "公示期（天）",
    "quorum": "法定人数",
    "adoption": "表决通过比例",
    "overdue_grace_days": "逾期宽限（天）",
    "effective_from": "生效时间",
    # council: screening (确定议题) and research (议前调研)
    "topic_id": "议题",
    "outcome": "确定结果",
    "accepted": "立项",
    "rejected": "不予立项",
    "merged": "合并",
    "returned": "退回补充",
    "explanation": "说明",
    "referral": "转办途径",
    "referral_note": "转办说明",
    "merged_into": "合并到的议题",
    "details_requested": "需补充的内容",
    "note": "备注",
    "template": "模板",
    "screenings": "批量确定",
    "kind": "类型",
    "text": "内容",
    "visited_on": "走访日期",
    "place": "地点",
    "notes": "走访记录",
    "findings": "调研结论",
    "feasibility": "可行性",
    "plan": "议事方案",
    "invitees": "列席人员（X）",
    # meeting: convening, attendance, minutes, votes and resolutions
    "scheduled_for": "会议时间",
    "agenda": "议程",
    "person_id": "参会人员",
    "fixed_members": "固定成员",
    "movement": "签到或离场",
    "speaker_id": "发言人",
    "opinion": "意见",
    "responsible_party": "责任单位",
    "measures": "办理措施",
    "choice": "表决意见",
    # publication: objections, ratings, assessments, progress, reopening and escalation
    "rating": "满意度",
    "substantive": "是否成立",
    "percent": "完成进度（%）",
    "deadline": "截止日期",
    "summary": "情况说明",
    "ground": "上报依据",
    # query and path parameters
    "status": "状态",
    "limit": "条数",
    "offset": "起始位置",
    "page": "页码",
    "size": "每页条数",
    "sort": "排序",
    "under": "上级区划",
    "q": "关键词",
    "include_retired": "包括已撤销的",
    "overdue": "仅逾期",
    "period": "统计期",
    "format": "格式",
    "at": "时间",
    "after": "起始位置",
    "within": "辖区",
    "division": "辖区",
    "prefix": "辖区",
    "breakdown": "分项方式",
    "submitted_from": "提交时间起",
    "submitted_to": "提交时间止",
    "held_from": "会议时间起",
    "held_to": "会议时间止",
    "Idempotency-Key": "防重复提交标识",
    "meeting_id": "会议",
    "council_id": "议事会",
    "task_id": "落实任务",
    "objection_id": "异议",
    "body": "请求内容",
    "header": "请求头",
}

CONTEXT_LABELS: dict[str, str] = {
    "contact.name": "联系人",
    "contact.phone": "联系电话",
    "measures.description": "措施内容",
    "invitees.description": "人员说明",
    "invitees.kind": "人员类别",
}
"""Where a name means something else under its parent: ``parent.name`` → label."""


def label_of(location: list[str]) -> str:
    """``["measures", "0", "description"]`` → 办理措施第1项 · 措施内容; unknown names stay codes."""
    parts: list[str] = []
    parent = ""
    for name in location:
        if name.isdigit():
            if parts:
                parts[-1] += f"第{int(name) + 1}项"
            continue
        parts.append(CONTEXT_LABELS.get(f"{parent}.{name}") or FIELD_LABELS.get(name, name))
        parent = name
    return " · ".join(parts) or FIELD_LABELS["body"]
